using Certctl.CaConnector.Crl;
using Certctl.CaConnector.Issuers;
using Certctl.Contracts;
using Certctl.Issuance;
using MassTransit;

namespace Certctl.CaConnector.Revocation;

/// <summary>
/// Tells the issuer about one revocation, idempotently by (issuer, serial): the <c>certificate_revocations</c> row is the truth and
/// <c>issuer_notified</c> says whether the issuer has heard. Then, for a local CA, makes its CRL list the serial, and publishes
/// <see cref="CertificateRevoked"/> (again on a repeated command, since the lost message may have been the event).
/// </summary>
public sealed class RevokeCertificateConsumer(
    RevocationStore revocations,
    IssuerRows issuerRows,
    IEnumerable<IIssuerRevocation> revokers,
    CrlGenerator crls,
    ILogger<RevokeCertificateConsumer> logger) : IConsumer<RevokeCertificate>
{
    public async Task Consume(ConsumeContext<RevokeCertificate> context)
    {
        var message = context.Message;
        var cancellationToken = context.CancellationToken;
        var revocation = await revocations.FindAsync(message.IssuerId, message.SerialNumber, cancellationToken);
        if (revocation is null)
        {
            logger.LogWarning("RevokeCertificate for serial {Serial} at issuer {IssuerId} dropped: no such revocation is recorded.", message.SerialNumber, message.IssuerId);
            return;
        }

        var issuer = await issuerRows.GetAsync(message.IssuerId, cancellationToken);
        var notified = revocation.IssuerNotified || await TellIssuerAsync(issuer, revocation, cancellationToken);
        if (issuer.IsLocalCa && issuer.Enabled)
        {
            await RefreshCrlAsync(issuer.Id, cancellationToken);
        }

        await context.Publish(
            new CertificateRevoked(revocation.CertificateId, revocation.IssuerId, revocation.SerialNumber, revocation.Reason, notified, revocation.RevokedAt),
            cancellationToken);
    }

    private async Task<bool> TellIssuerAsync(IssuerRow issuer, RevocationRecord revocation, CancellationToken cancellationToken)
    {
        var revoker = revokers.FirstOrDefault(candidate => candidate.Handles(issuer));
        if (revoker is null)
        {
            var refusal = $"Issuer type {issuer.Type} has no revoke call in this connector; the revocation stands in Certctl only.";
            await revocations.MarkRefusedAsync(issuer.Id, revocation.SerialNumber, refusal, cancellationToken);
            logger.LogWarning("Serial {Serial} at issuer {IssuerId}: {Refusal}", revocation.SerialNumber, issuer.Id, refusal);
            return false;
        }

        await revocations.RecordAttemptAsync(issuer.Id, revocation.SerialNumber, cancellationToken);
        var result = await revoker.RevokeAsync(issuer, revocation, cancellationToken);
        if (result.Notified)
        {
            await revocations.MarkNotifiedAsync(issuer.Id, revocation.SerialNumber, cancellationToken);
            logger.LogInformation("Issuer {IssuerId} notified of the revocation of serial {Serial} ({Reason}).", issuer.Id, revocation.SerialNumber, revocation.Reason);
            return true;
        }

        await revocations.MarkRefusedAsync(issuer.Id, revocation.SerialNumber, result.Error ?? "refused", cancellationToken);
        logger.LogWarning("Issuer {IssuerId} refused the revocation of serial {Serial}: {Error}", issuer.Id, revocation.SerialNumber, result.Error);
        return false;
    }

    private async Task RefreshCrlAsync(string issuerId, CancellationToken cancellationToken)
    {
        try
        {
            await crls.EnsureCurrentAsync(issuerId, notOlderThan: null, cancellationToken);
        }
        catch (CertificateAuthorityException ex)
        {
            // The revocation stands and OCSP already answers revoked; a CA that cannot sign CRLs is an operator's matter.
            logger.LogError("The CRL of issuer {IssuerId} cannot be regenerated: {Message}", issuerId, ex.Message);
        }
    }
}
