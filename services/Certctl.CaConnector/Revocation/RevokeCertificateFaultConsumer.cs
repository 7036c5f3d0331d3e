using Certctl.Contracts;
using MassTransit;

namespace Certctl.CaConnector.Revocation;

/// <summary>Retries of a <see cref="RevokeCertificate"/> are spent: keep the error on the row; the scheduler's sweep re-sends it while budget remains.</summary>
public sealed class RevokeCertificateFaultConsumer(RevocationStore revocations) : IConsumer<Fault<RevokeCertificate>>
{
    public Task Consume(ConsumeContext<Fault<RevokeCertificate>> context)
    {
        var command = context.Message.Message;
        var error = context.Message.Exceptions.FirstOrDefault() is { } exception
            ? $"{exception.ExceptionType}: {exception.Message}"
            : "revocation failed";
        return revocations.RecordErrorAsync(command.IssuerId, command.SerialNumber, error, context.CancellationToken);
    }
}
