using Certctl.Contracts;
using Certctl.Domain;
using Certctl.Issuance;
using Certctl.Secrets;
using MassTransit;

namespace Certctl.CaConnector.Issuance;

/// <summary>
/// The two ends of an issuance, shared by the command consumer and the async-order poller so both take the same path:
/// store the version and complete the job in one statement, then publish <see cref="CertificateIssued"/>; or fail the job
/// for good and publish <see cref="IssuanceFailed"/>.
/// </summary>
public sealed class IssuanceOutcomes(
    IssuanceJobStore jobs,
    ConfigurationCipher cipher,
    IdGenerator ids,
    TimeProvider time,
    ILogger<IssuanceOutcomes> logger)
{
    /// <summary>
    /// Stores <paramref name="certificate"/> as the job's version (a server-made key encrypted, bound to the version id) and
    /// publishes the news; when another delivery stored a version first, repeats that one's news instead.
    /// </summary>
    /// <param name="parked">The job is in AwaitingIssuer (an async CA's order) rather than Running.</param>
    /// <param name="attempt">The delivering command's attempt, written with the completion.</param>
    public async Task StoreIssuedAsync(
        IPublishEndpoint publisher, IssuanceJob job, IssuedCertificate certificate, byte[]? privateKeyPkcs8, string? csrPem, bool parked,
        CancellationToken cancellationToken, int? attempt = null)
    {
        var versionId = ids.NewId(IdPrefix.CertificateVersion);
        // Bound to the version id: a key blob copied onto another version row does not decrypt.
        var encryptedKey = privateKeyPkcs8 is null ? null : cipher.Encrypt(privateKeyPkcs8, versionId);
        var stored = await jobs.CompleteAsync(job, versionId, certificate, csrPem, encryptedKey, cancellationToken, parked, attempt);
        if (stored is null)
        {
            // Another delivery stored the version first, or the job was cancelled meanwhile; re-read to report the truth.
            if ((await jobs.FindAsync(job.JobId, cancellationToken))?.Version is { } winner)
            {
                await PublishIssuedAsync(publisher, job, winner, cancellationToken);
            }

            return;
        }

        // Debug: under a drain this is hundreds of lines a second; the job row, the audit trail and the trace say the same.
        logger.LogDebug("Job {JobId} issued version {VersionId} (serial {Serial}) for {CertificateId}; {DeploymentJobs} deployment jobs queued.",
            job.JobId, stored.VersionId, stored.SerialNumber, job.CertificateId, stored.DeploymentJobs);
        await PublishIssuedAsync(publisher, job, stored, cancellationToken);
    }

    /// <summary>A client error or the CA's refusal: the job fails and its budget is closed, so it is never retried.</summary>
    /// <param name="parked">The job is in AwaitingIssuer (an async CA's order) rather than Running.</param>
    public async Task RejectAsync(
        IPublishEndpoint publisher, string jobId, string certificateId, int attempt, string reason, string message, bool parked,
        CancellationToken cancellationToken)
    {
        logger.LogWarning("Job {JobId} rejected ({Reason}): {Message}", jobId, reason, message);
        var failed = await jobs.FailPermanentlyAsync(jobId, attempt, message, cancellationToken, parked);
        if (failed is not null)
        {
            await publisher.Publish(new IssuanceFailed(jobId, certificateId, message, Retryable: false, time.GetUtcNow()), cancellationToken);
        }
    }

    /// <summary>Announces a stored version (again, for a repeated command: the news may be what was lost).</summary>
    public static Task PublishIssuedAsync(IPublishEndpoint publisher, IssuanceJob job, StoredVersion version, CancellationToken cancellationToken) =>
        publisher.Publish(
            new CertificateIssued(job.JobId, job.CertificateId, version.VersionId, version.SerialNumber, version.NotBefore, version.NotAfter, version.CreatedAt),
            cancellationToken);
}
