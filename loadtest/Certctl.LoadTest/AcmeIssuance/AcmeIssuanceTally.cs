using System.Collections.Concurrent;
using System.Diagnostics;

namespace Certctl.LoadTest.AcmeIssuance;

/// <summary>What every virtual client of <c>acme_issuance</c> measured, written from many tasks at once.</summary>
public sealed class AcmeIssuanceTally
{
    public const string NewAccount = "new_account";
    public const string NewOrder = "new_order";
    public const string Finalize = "finalize";
    public const string PollOrder = "poll_order";
    public const string Certificate = "certificate";
    public const string NewNonce = "new_nonce";

    /// <summary>The steps that get a latency histogram of their own, in the order a flow takes them.</summary>
    public static readonly IReadOnlyList<string> Steps = [NewNonce, NewAccount, NewOrder, Finalize, PollOrder, Certificate];

    private readonly Dictionary<string, LatencyRecorder> steps = Steps.ToDictionary(s => s, _ => new LatencyRecorder(Stopwatch.Frequency), StringComparer.Ordinal);
    private readonly LatencyRecorder issuance = new(Stopwatch.Frequency);
    private readonly ConcurrentDictionary<string, long> errors = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> statuses = new(StringComparer.Ordinal);
    private long certificates;
    private long accounts;
    private long badNonceRetries;

    public long Certificates => Interlocked.Read(ref certificates);

    public long Accounts => Interlocked.Read(ref accounts);

    public long BadNonceRetries => Interlocked.Read(ref badNonceRetries);

    /// <summary>One request of <paramref name="step"/> answered with <paramref name="status"/> after <paramref name="ticks"/> Stopwatch ticks.</summary>
    public void Answered(string step, int status, long ticks)
    {
        steps[step].RecordTicks(ticks);
        statuses.AddOrUpdate(status.ToString(System.Globalization.CultureInfo.InvariantCulture), 1, (_, n) => n + 1);
    }

    /// <summary>A certificate downloaded, <paramref name="ticks"/> after its new-order was sent.</summary>
    public void Issued(long ticks)
    {
        issuance.RecordTicks(ticks);
        Interlocked.Increment(ref certificates);
    }

    public void AccountCreated() => Interlocked.Increment(ref accounts);

    public void BadNonceRetried() => Interlocked.Increment(ref badNonceRetries);

    /// <summary>A flow (or an account registration) given up, counted under <c>step.kind</c>, e.g. <c>new_order.rateLimited</c>.</summary>
    public void Failed(string step, string kind) => errors.AddOrUpdate(step + "." + kind, 1, (_, n) => n + 1);

    public long ErrorTotal => errors.Values.Sum();

    public IReadOnlyDictionary<string, long> ErrorsByKind => new SortedDictionary<string, long>(errors, StringComparer.Ordinal);

    public IReadOnlyDictionary<string, long> StatusCodes => new SortedDictionary<string, long>(statuses, StringComparer.Ordinal);

    /// <summary>Latency of every step that saw a request.</summary>
    public IReadOnlyDictionary<string, LatencySummary> StepLatency()
    {
        var result = new SortedDictionary<string, LatencySummary>(StringComparer.Ordinal);
        foreach (var (name, recorder) in steps)
        {
            var summary = recorder.Summarise();
            if (summary.Count > 0)
            {
                result[name] = summary;
            }
        }

        return result;
    }

    /// <summary>From new-order sent to certificate downloaded, per certificate.</summary>
    public LatencySummary IssuanceLatency() => issuance.Summarise();
}
