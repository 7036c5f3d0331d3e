using Certctl.CaConnector.Issuers;
using Certctl.CaConnector.Polling;
using Certctl.Contracts;
using Certctl.Domain;
using Certctl.Issuance;
using MassTransit;

namespace Certctl.CaConnector.Issuance;

/// <summary>
/// Issues the certificate of one job, idempotently by job id: record the attempt, ask the issuer's connector, then store the
/// version and complete the job in one statement, then publish <see cref="CertificateIssued"/>. An async CA's pending order
/// parks the job in AwaitingIssuer for the poller (<see cref="AsyncOrderSubmission"/>). A client error fails the job for
/// good and publishes <see cref="IssuanceFailed"/>; any other error is thrown for the definition's retry policy.
/// </summary>
public sealed class IssueCertificateConsumer(
    IssuanceJobStore jobs,
    IssuerConnectors connectors,
    IssuanceOutcomes outcomes,
    AsyncOrderSubmission submission,
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
            await IssuanceOutcomes.PublishIssuedAsync(context, job, existing, cancellationToken);
            return;
        }

        // A job parked in AwaitingIssuer already has its order; the poller owns it, so a repeated command submits nothing.
        if (job.Status != JobStatus.Running)
        {
            LogIgnored(job);
            return;
        }

        try
        {
            var request = new IssuerRequest(job.Leaf, job.Profile, job.KeygenMode == KeygenMode.Server
                ? null
                : job.CsrPem ?? message.CsrPem ?? throw new InvalidCsrException("The job is in agent key mode but carries no CSR."));
            var connector = await connectors.GetAsync(job.IssuerId, cancellationToken);
            // The intent before the irreversible step: the dispatcher's claim counted this attempt; a connector that reaches a CA
            // writes it again (a redelivery may carry a newer attempt) and learns whether the job is still Running.
            if (!connector.SignsInProcess && !await jobs.RecordAttemptAsync(job.JobId, message.Attempt, cancellationToken))
            {
                LogIgnored(job);
                return;
            }

            if (connector is IAsyncIssuerConnector orders)
            {
                await submission.SubmitAsync(context, job, orders, request);
                return;
            }

            using var response = await connector.IssueAsync(request, cancellationToken);
            var certificate = response.Certificate
                ?? throw new CertificateAuthorityException($"Issuer '{job.IssuerId}' answered with a pending order but is not an async issuer.");
            await outcomes.StoreIssuedAsync(context, job, certificate, response.PrivateKeyPkcs8, request.CsrPem, parked: false, cancellationToken,
                message.Attempt);
        }
        catch (IssuanceRejectedException ex)
        {
            await outcomes.RejectAsync(context, job.JobId, job.CertificateId, message.Attempt, ex.Reason.ToString(), ex.Message, parked: false, cancellationToken);
        }
    }

    private void LogIgnored(IssuanceJob job) =>
        logger.LogInformation("IssueCertificate for job {JobId} ignored: the job is {Status}, not Running.", job.JobId, job.Status.ToWire());
}
