using Certctl.Contracts;
using Certctl.Issuance;
using MassTransit;

namespace Certctl.CaConnector.Crl;

/// <summary>Makes the issuer's CRL current (see <see cref="CrlGenerator"/>); an issuer that cannot have one here is logged and dropped.</summary>
public sealed class GenerateCrlConsumer(CrlGenerator generator, ILogger<GenerateCrlConsumer> logger) : IConsumer<GenerateCrl>
{
    public async Task Consume(ConsumeContext<GenerateCrl> context)
    {
        var message = context.Message;
        try
        {
            await generator.EnsureCurrentAsync(message.IssuerId, message.RequestedAt, context.CancellationToken);
        }
        catch (CertificateAuthorityException ex)
        {
            // Not an enabled local CA, or a CA without cRLSign: retrying cannot help.
            logger.LogWarning("No CRL for issuer {IssuerId} (asked by {RequestedBy}): {Message}", message.IssuerId, message.RequestedBy, ex.Message);
        }
    }
}
