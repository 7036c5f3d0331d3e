using Certctl.CaConnector.Issuance;
using Certctl.CaConnector.Issuers;
using Certctl.Contracts;
using Certctl.Issuance;
using Certctl.Secrets;
using MassTransit;

namespace Certctl.CaConnector.Polling;

/// <summary>
/// Places an async CA's order for a Running job: the job moves to AwaitingIssuer first (the intent, which also keeps a
/// second delivery from placing a second order), then the order is submitted. Issued at once: stored like a synchronous
/// issuance. Pending: the order id is recorded and the poller takes over. Refused: the job fails for good. Transient
/// error: the job is Running again and the error is thrown for the consumer's retry policy.
/// </summary>
public sealed class AsyncOrderSubmission(
    AsyncOrderStore orders,
    IssuanceOutcomes outcomes,
    ConfigurationCipher cipher,
    TimeProvider time,
    ILogger<AsyncOrderSubmission> logger)
{
    /// <summary>How long a submission may take before the poller treats it as one that never finished.</summary>
    public static readonly TimeSpan SubmissionGrace = TimeSpan.FromMinutes(5);

    public async Task SubmitAsync(ConsumeContext<IssueCertificate> context, IssuanceJob job, IAsyncIssuerConnector connector, IssuerRequest request)
    {
        var cancellationToken = context.CancellationToken;
        var attempt = context.Message.Attempt;
        var claim = await orders.BeginSubmissionAsync(job.JobId, attempt, SubmissionGrace, cancellationToken);
        if (claim is null)
        {
            logger.LogInformation("IssueCertificate for job {JobId} ignored: another delivery is placing its order.", job.JobId);
            return;
        }

        IssuerResponse response;
        try
        {
            response = await connector.IssueAsync(request, cancellationToken);
        }
        catch (IssuanceRejectedException ex)
        {
            await outcomes.RejectAsync(context, job.JobId, job.CertificateId, attempt, ex.Reason.ToString(), ex.Message, parked: true, cancellationToken);
            return;
        }
        catch
        {
            // No order was taken (as far as the CA told us): hand the job back to the retry policy, Running with its lease.
            await orders.ResumeRunningAsync(job.JobId, claim.PreviousLease, CancellationToken.None);
            throw;
        }

        using (response)
        {
            if (response.Certificate is { } certificate)
            {
                await outcomes.StoreIssuedAsync(context, job, certificate, response.PrivateKeyPkcs8, request.CsrPem, parked: true, cancellationToken);
                return;
            }

            var now = time.GetUtcNow();
            var deadline = now + connector.PollMaxWait;
            var firstPoll = Min(now + PollBackoff.Next(0), deadline);
            // The key is bound to the job until the certificate arrives; then it is re-encrypted for the version.
            var sealedKey = response.PrivateKeyPkcs8 is { } key ? cipher.Encrypt(key, job.JobId) : null;
            // Not the delivery's token: the CA holds the order now, so the row must learn its id.
            if (await orders.ParkAsync(job.JobId, response.OrderId!, sealedKey, request.CsrPem, deadline, firstPoll, CancellationToken.None))
            {
                logger.LogInformation("Job {JobId} awaits {Vendor} order {OrderId}; first poll at {FirstPoll:O}, poll deadline {Deadline:O}.",
                    job.JobId, connector.Vendor, response.OrderId, firstPoll, deadline);
            }
            else
            {
                logger.LogWarning("Job {JobId} was cancelled while {Vendor} order {OrderId} was placed; the order is not followed.",
                    job.JobId, connector.Vendor, response.OrderId);
            }
        }
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
