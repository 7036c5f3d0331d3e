using Certctl.Contracts;
using MassTransit;

namespace Certctl.Gateway.Pki;

/// <summary>
/// Tells the CA connector about committed revocations (<see cref="RevokeCertificate"/>), so the issuer is notified, the CRL regenerated
/// and <c>CertificateRevoked</c> published. Best effort with a short timeout: the revocation rows are already committed (they are what
/// the CRL and OCSP read), and the scheduler's sweep re-sends any whose issuer was not notified within a minute.
/// </summary>
public sealed partial class RevocationNotice(IPublishEndpoint publisher, TimeProvider time, ILogger<RevocationNotice> logger)
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Publishes one command per revoked serial after the commit; never throws.</summary>
    public async Task PublishAsync(IReadOnlyCollection<RevokedSerialNotice> revoked, string actor)
    {
        if (revoked.Count == 0)
        {
            return;
        }

        var now = time.GetUtcNow();
        using var timeout = new CancellationTokenSource(PublishTimeout);
        try
        {
            await publisher.PublishBatch(
                revoked.Select(row => new RevokeCertificate(row.CertificateId, row.IssuerId, row.SerialNumber, row.Reason, actor, now)), timeout.Token);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogNotPublished(logger, exception, revoked.Count);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not send {Count} revocations to the CA connector; the scheduler's sweep re-sends them")]
    private static partial void LogNotPublished(ILogger logger, Exception exception, int count);
}

/// <summary>One committed revocation, as <see cref="RevocationNotice"/> sends it.</summary>
public sealed record RevokedSerialNotice(string CertificateId, string IssuerId, string SerialNumber, Domain.RevocationReason Reason);
