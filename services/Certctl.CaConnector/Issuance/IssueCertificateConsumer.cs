using Certctl.CaConnector.Issuers;
using Certctl.Contracts;
using Certctl.Domain;
using Certctl.Issuance;
using Certctl.Secrets;
using MassTransit;

namespace Certctl.CaConnector.Issuance;

/// <summary>
/// Issues the certificate of one job, idempotently by job id: record the attempt, sign, then store the version and
/// complete the job in one statement, then publish <see cref="CertificateIssued"/>. A client error fails the job for
/// good and publishes <see cref="IssuanceFailed"/>; any other error is thrown for the definition's retry policy.
/// </summary>
public sealed class IssueCertificateConsumer(
    IssuanceJobStore jobs,
    IssuerRegistry issuers,
    ConfigurationCipher cipher,
    IdGenerator ids,
    TimeProvider time,
    ILogger<IssueCertificateConsumer> logger) : IConsumer<IssueCertificate>
{
    public async Task Consume(ConsumeContext<IssueCertificate> context)
    {
        var message = context.Message;
        var cancellationToken = context.CancellationToken;
        var job = await jobs.FindAsync(message.JobId, cancellationToken);
        if (job is null)
        {
            logger.LogWarning("IssueCertificate for unknown job {JobId} dropped.", message.JobId);
            return;
        }

        if (job.Version is { } existing)
        {
            // A repeated command: the version exists, so only the news is repeated (it may be what was lost).
            await PublishIssuedAsync(context, job, existing);
            return;
        }

        if (job.Status != JobStatus.Running || !await jobs.RecordAttemptAsync(job.JobId, message.Attempt, cancellationToken))
        {
            logger.LogInformation("IssueCertificate for job {JobId} ignored: the job is {Status}, not Running.", job.JobId, job.Status.ToWire());
            return;
        }

        StoredVersion? stored;
        try
        {
            stored = await IssueAndStoreAsync(job, message, cancellationToken);
        }
        catch (IssuanceRejectedException ex)
        {
            await FailPermanentlyAsync(context, job, ex);
            return;
        }

        if (stored is null)
        {
            // Another delivery stored the version first, or the job was cancelled meanwhile; re-read to report the truth.
            if ((await jobs.FindAsync(job.JobId, cancellationToken))?.Version is { } winner)
            {
                await PublishIssuedAsync(context, job, winner);
            }

            return;
        }

        logger.LogInformation("Job {JobId} issued version {VersionId} (serial {Serial}) for {CertificateId}; {DeploymentJobs} deployment jobs queued.",
            job.JobId, stored.VersionId, stored.SerialNumber, job.CertificateId, stored.DeploymentJobs);
        await PublishIssuedAsync(context, job, stored);
    }

    private async Task<StoredVersion?> IssueAndStoreAsync(IssuanceJob job, IssueCertificate message, CancellationToken cancellationToken)
    {
        var authority = await issuers.GetLocalAuthorityAsync(job.IssuerId, cancellationToken);
        var versionId = ids.NewId(IdPrefix.CertificateVersion);
        if (job.KeygenMode == KeygenMode.Server)
        {
            using var issuance = authority.IssueWithServerKey(job.Leaf, ProfileColumns.ServerKeyFor(job.Profile), job.Profile);
            // Bound to the version id: a key blob copied onto another version row does not decrypt.
            var encryptedKey = cipher.Encrypt(issuance.PrivateKeyPkcs8, versionId);
            return await jobs.CompleteAsync(job, versionId, issuance.Certificate, csrPem: null, encryptedKey, cancellationToken);
        }

        var csrPem = job.CsrPem ?? message.CsrPem
            ?? throw new InvalidCsrException("The job is in agent key mode but carries no CSR.");
        var issued = authority.IssueFromCsr(job.Leaf, csrPem, job.Profile);
        return await jobs.CompleteAsync(job, versionId, issued, csrPem, encryptedPrivateKey: null, cancellationToken);
    }

    private async Task FailPermanentlyAsync(ConsumeContext<IssueCertificate> context, IssuanceJob job, IssuanceRejectedException ex)
    {
        logger.LogWarning("Job {JobId} rejected ({Reason}): {Message}", job.JobId, ex.Reason, ex.Message);
        var failed = await jobs.FailPermanentlyAsync(job.JobId, context.Message.Attempt, ex.Message, context.CancellationToken);
        if (failed is not null)
        {
            await context.Publish(new IssuanceFailed(job.JobId, job.CertificateId, ex.Message, Retryable: false, time.GetUtcNow()), context.CancellationToken);
        }
    }

    private static Task PublishIssuedAsync(ConsumeContext context, IssuanceJob job, StoredVersion version) =>
        context.Publish(
            new CertificateIssued(job.JobId, job.CertificateId, version.VersionId, version.SerialNumber, version.NotBefore, version.NotAfter, version.CreatedAt),
            context.CancellationToken);
}
