using System.Collections.Concurrent;
using Certctl.Domain;
using Certctl.Issuance;
using Microsoft.Extensions.Options;

namespace Certctl.CaConnector.RenewalInfo;

/// <summary>
/// One ARI poll run: follows the current versions of the ARI issuers' certificates, then claims the due ones batch by batch,
/// asks each one's CA for its renewal window (bounded parallelism), and writes the answers back, one statement per batch.
/// </summary>
/// <remarks>
/// A window answer stores the window and a random renewal time in it (kept while the window stays the same) and polls again
/// after the clamped Retry-After. "Not supported" clears the window and asks again after 6 h. Errors keep the window known
/// before: temporary ones back off from 1 min doubling, others wait 6 h.
/// </remarks>
public sealed class AriPoller(
    AriIssuers issuers, AriStore store, AriClient client, TimeProvider time, IOptions<AriPollOptions> options, AriMetrics metrics,
    ILogger<AriPoller> logger, Func<double>? unitRandom = null)
{
    /// <summary>How long a claim keeps the row from being claimed again; a poller that dies mid-batch leaves its rows due after it.</summary>
    public static readonly TimeSpan ClaimLease = TimeSpan.FromMinutes(10);

    private readonly Func<double> _unitRandom = unitRandom ?? Random.Shared.NextDouble;

    /// <summary>Polls every due certificate; returns how many were polled.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var issuerSet = await issuers.LoadAsync(cancellationToken);
        var followed = await store.FollowCurrentVersionsAsync([.. issuerSet.Enabled.Keys], issuerSet.Unreadable, cancellationToken);
        if (followed > 0)
        {
            logger.LogInformation("ARI now follows {Count} new or renewed certificates.", followed);
        }

        if (issuerSet.Enabled.Count == 0)
        {
            return 0;
        }

        // One directory read per issuer per run, however many of its certificates are due (the client caches it across runs).
        var directories = new ConcurrentDictionary<string, Lazy<Task<(string? Url, RenewalInfoAnswer? Failure)>>>(StringComparer.Ordinal);
        var polled = 0;
        while (true)
        {
            var claimed = await store.ClaimDueAsync([.. issuerSet.Enabled.Keys], settings.BatchSize, time.GetUtcNow() + ClaimLease, cancellationToken);
            var results = new ConcurrentBag<AriPollResult>();
            await Parallel.ForEachAsync(claimed, new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency, CancellationToken = cancellationToken },
                async (candidate, token) =>
                {
                    var configuration = issuerSet.Enabled[candidate.IssuerId];
                    var directory = await directories.GetOrAdd(candidate.IssuerId, id =>
                        new Lazy<Task<(string?, RenewalInfoAnswer?)>>(() => client.RenewalInfoUrlAsync(id, configuration, cancellationToken))).Value;
                    var answer = await AskAsync(candidate, configuration, directory, token);
                    metrics.Poll(answer.Outcome);
                    results.Add(Result(candidate, answer));
                });
            await store.RecordAsync(results, cancellationToken);
            polled += claimed.Count;
            if (claimed.Count < settings.BatchSize)
            {
                return polled;
            }
        }
    }

    private async Task<RenewalInfoAnswer> AskAsync(
        AriCandidate candidate, AcmeAriConfiguration configuration, (string? Url, RenewalInfoAnswer? Failure) directory, CancellationToken cancellationToken)
    {
        if (directory.Url is null)
        {
            return directory.Failure!;
        }

        var certId = AriCertificateId.FromStoredHex(candidate.AuthorityKeyIdentifierHex, candidate.SerialNumberHex);
        return certId is null
            ? RenewalInfoAnswer.NotSupported("The certificate has no authority key identifier, so ARI cannot name it.")
            : await client.GetAsync(directory.Url, certId, configuration, cancellationToken);
    }

    private AriPollResult Result(AriCandidate candidate, RenewalInfoAnswer answer)
    {
        var now = time.GetUtcNow();
        switch (answer.Outcome)
        {
            case AriOutcome.Window:
                var start = answer.WindowStart!.Value;
                var end = answer.WindowEnd!.Value;
                return new AriPollResult(candidate, KeepWindow: false, start, end, AriSchedule.RenewalTime(start, end, _unitRandom()), answer.ExplanationUrl,
                    now + AriSchedule.PollInterval(answer.RetryAfter), Failures: 0, LastError: null);
            case AriOutcome.NotSupported:
                return new AriPollResult(candidate, KeepWindow: false, null, null, null, null, now + AriSchedule.DefaultRetryAfter, 0, answer.Message);
            case AriOutcome.TemporaryError:
                var failures = candidate.Failures + 1;
                var backoff = AriSchedule.ErrorBackoff(failures, answer.RetryAfter);
                logger.LogWarning("ARI poll of certificate {CertificateId} (issuer {IssuerId}) failed for now, {Failures} in a row; next try in {Backoff}: {Message}",
                    candidate.CertificateId, candidate.IssuerId, failures, backoff, answer.Message);
                return new AriPollResult(candidate, KeepWindow: true, null, null, null, null, now + backoff, failures, answer.Message);
            default:
                logger.LogWarning("ARI poll of certificate {CertificateId} (issuer {IssuerId}) failed; next try in {Wait}: {Message}",
                    candidate.CertificateId, candidate.IssuerId, AriSchedule.DefaultRetryAfter, answer.Message);
                return new AriPollResult(candidate, KeepWindow: true, null, null, null, null, now + AriSchedule.DefaultRetryAfter, candidate.Failures + 1,
                    answer.Message);
        }
    }
}
