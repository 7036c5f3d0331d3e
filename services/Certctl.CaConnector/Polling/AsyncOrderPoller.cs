using System.Collections.Concurrent;
using System.Security.Cryptography;
using Certctl.CaConnector.Issuance;
using Certctl.CaConnector.Issuers;
using Certctl.Domain;
using Certctl.Issuance;
using Certctl.Secrets;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Certctl.CaConnector.Polling;

/// <summary>
/// One poll run over the due parked orders: claims a batch, asks each order's CA where it stands, and then stores the
/// certificate (same path as a synchronous issuance), fails the job (the CA refused), or schedules the next poll.
/// </summary>
/// <remarks>
/// Pending answers and transient errors (429, 5xx, network) reschedule with <see cref="PollBackoff"/>, never sooner than a
/// Retry-After, never later than the deadline. Past the deadline the job stays AwaitingIssuer and a new deadline window
/// starts a later tick away (the backoff's cap): no attempt is spent while an order waits.
/// </remarks>
public sealed class AsyncOrderPoller(
    AsyncOrderStore orders,
    IssuanceJobStore jobs,
    IssuanceOutcomes outcomes,
    IssuerConnectors connectors,
    ConfigurationCipher cipher,
    IBus bus,
    TimeProvider time,
    IOptions<AsyncPollOptions> options,
    AsyncOrderMetrics metrics,
    ILogger<AsyncOrderPoller> logger)
{
    /// <summary>How long a claim keeps other pollers away; a poller that dies mid-batch leaves its orders due again after it.</summary>
    public static readonly TimeSpan ClaimLease = TimeSpan.FromMinutes(2);

    /// <summary>Polls every due order once; returns how many were claimed.</summary>
    public async Task<int> PollDueAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var claimed = await orders.ClaimDueAsync(settings.BatchSize, time.GetUtcNow() + ClaimLease, cancellationToken);
        if (claimed.Count == 0)
        {
            return 0;
        }

        // One connector per issuer per batch: one issuer row read and decryption, however many of its orders are due.
        var byIssuer = new ConcurrentDictionary<string, Lazy<Task<IIssuerConnector>>>(StringComparer.Ordinal);
        Task<IIssuerConnector> ConnectorFor(string issuerId) =>
            byIssuer.GetOrAdd(issuerId, id => new Lazy<Task<IIssuerConnector>>(() => connectors.GetAsync(id, cancellationToken))).Value;

        var reschedules = new ConcurrentBag<PollReschedule>();
        await Parallel.ForEachAsync(claimed, new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency, CancellationToken = cancellationToken },
            async (order, token) =>
            {
                if (await PollAsync(order, ConnectorFor, token) is { } later)
                {
                    reschedules.Add(later);
                }
            });
        await orders.RescheduleAsync(reschedules, cancellationToken);
        return claimed.Count;
    }

    private async Task<PollReschedule?> PollAsync(ParkedOrder order, Func<string, Task<IIssuerConnector>> connectorFor, CancellationToken cancellationToken)
    {
        IAsyncIssuerConnector? connector = null;
        try
        {
            if (order.OrderId is null)
            {
                metrics.Poll("unfinished_submission");
                await FailUnfinishedSubmissionAsync(order, cancellationToken);
                return null;
            }

            connector = await connectorFor(order.IssuerId) as IAsyncIssuerConnector
                ?? throw new CertificateAuthorityException($"Issuer '{order.IssuerId}' is no longer an async issuer; its order {order.OrderId} cannot be polled.");
            var status = await connector.GetOrderStatusAsync(order.OrderId, OrderKeys.SubjectPublicKeyInfo(order, cipher), cancellationToken);
            metrics.Poll(status.State.ToString().ToLowerInvariant());
            switch (status.State)
            {
                case OrderState.Issued:
                    await StoreAsync(order, status.Certificate!, cancellationToken);
                    return null;
                case OrderState.Rejected:
                    await outcomes.RejectAsync(bus, order.JobId, order.CertificateId, order.Attempts, IssuanceRejection.IssuerRejected.ToString(),
                        status.Message, parked: true, cancellationToken);
                    return null;
                default:
                    return Later(order, status.Message, retryAfter: null, connector);
            }
        }
        catch (IssuerUnavailableException ex)
        {
            metrics.Poll("transient");
            logger.LogWarning("Polling order {OrderId} of job {JobId} failed for now: {Message}", order.OrderId, order.JobId, ex.Message);
            return Later(order, ex.Message, ex.RetryAfter, connector);
        }
        catch (IssuanceRejectedException ex)
        {
            metrics.Poll("rejected");
            await outcomes.RejectAsync(bus, order.JobId, order.CertificateId, order.Attempts, ex.Reason.ToString(), ex.Message, parked: true, cancellationToken);
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A misconfigured issuer (refused key, disabled, undecryptable) or a failed write: keep the order and look again
            // later, so one bad order never costs the rest of the batch their reschedule.
            metrics.Poll("error");
            logger.LogError(ex, "Order {OrderId} of job {JobId} cannot be polled: {Message}", order.OrderId, order.JobId, ex.Message);
            return Later(order, ex.Message, retryAfter: null, connector);
        }
    }

    private PollReschedule Later(ParkedOrder order, string message, TimeSpan? retryAfter, IAsyncIssuerConnector? connector)
    {
        var now = time.GetUtcNow();
        var maxWait = connector?.PollMaxWait ?? options.Value.MaxWaitFor(null, 0);
        var deadline = order.Deadline ?? now + maxWait;
        var earliest = now + (retryAfter ?? TimeSpan.Zero);
        if (now >= deadline)
        {
            // Past the deadline: the order stays parked and a new window opens a later tick away, without spending an attempt.
            var later = Max(now + PollBackoff.Next(int.MaxValue), earliest);
            metrics.Overdue();
            logger.LogWarning("Order {OrderId} of job {JobId} is still pending after its {MaxWait} poll deadline; polling again from {Next:O}.",
                order.OrderId, order.JobId, maxWait, later);
            return new PollReschedule(order.JobId, order.ClaimedUntil, 0, later, later + maxWait,
                $"{message} Still pending after the {maxWait} poll deadline; polling again from {later:O}.");
        }

        var polls = order.Polls + 1;
        var next = Max(Min(now + PollBackoff.Next(polls), deadline), earliest);
        return new PollReschedule(order.JobId, order.ClaimedUntil, polls, next, deadline, message);
    }

    private async Task StoreAsync(ParkedOrder order, IssuedCertificate certificate, CancellationToken cancellationToken)
    {
        var job = await jobs.FindAsync(order.JobId, cancellationToken);
        if (job is null || job.Status != JobStatus.AwaitingIssuer)
        {
            return;
        }

        var privateKey = order.EncryptedKey is { } sealedKey ? OrderKeys.PrivateKey(order, sealedKey, cipher) : null;
        try
        {
            await outcomes.StoreIssuedAsync(bus, job, certificate, privateKey, privateKey is null ? order.CsrPem : null, parked: true, cancellationToken);
        }
        finally
        {
            if (privateKey is not null)
            {
                CryptographicOperations.ZeroMemory(privateKey);
            }
        }
    }

    private async Task FailUnfinishedSubmissionAsync(ParkedOrder order, CancellationToken cancellationToken)
    {
        const string error = "the order submission did not finish (the CA connector stopped mid-call); an order may exist at the CA without being followed";
        var failed = await jobs.FailRetryableAsync(order.JobId, order.Attempts, error, cancellationToken, parked: true);
        if (failed is not null)
        {
            logger.LogWarning("Job {JobId}: {Error}; attempt {Attempts} of {MaxAttempts} spent.", order.JobId, error, failed.Attempts, failed.MaxAttempts);
            await bus.Publish(new Contracts.IssuanceFailed(order.JobId, order.CertificateId, error, failed.Retryable, time.GetUtcNow()), cancellationToken);
        }
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
