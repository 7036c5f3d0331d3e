using System.Globalization;
using Certctl.LoadTest.Scenarios;

namespace Certctl.LoadTest.Draining;

/// <summary>A pass/fail rule of the drain and how the run measured against it (actual null: not measurable, so failed).</summary>
public sealed record DrainCheck(string Expression, double Limit, double? Actual, bool Passed);

/// <summary>What the one bulk-renew call answered and how long it took.</summary>
public sealed record DrainTrigger(long Matched, long Created, IReadOnlyDictionary<string, long> Skipped, long Failed, double ResponseMs)
{
    public static DrainTrigger From(BulkRenewCounts counts, TimeSpan took) => new(counts.Matched, counts.Created, counts.Skipped, counts.Failed, took.TotalMilliseconds);
}

/// <summary>The drain's figures: from the trigger to the last completion, and the verdict.</summary>
public sealed record DrainReport(
    DrainTrigger Trigger,
    long Jobs,
    long Completed,
    long Failed,
    long Unfinished,
    double? DrainS,
    double? IssuancesPerS,
    SteadyWindow? SteadyWindow,
    JobLatency? LatencyMs,
    IReadOnlyList<DrainCheck> Thresholds)
{
    public bool ThresholdsPassed => Thresholds.All(t => t.Passed);

    /// <summary>
    /// Puts the figures together. The drain time is the last completion minus the start, and only when every job ended
    /// (a drain that timed out or was interrupted has none, and fails its time rule); issuances per second are the completed
    /// jobs over that time.
    /// </summary>
    public static DrainReport Build(
        DrainTrigger trigger, DateTimeOffset start, DrainProgress final, SteadyWindow? window, JobLatency? latency, TimeSpan maxDrain, int maxFailed)
    {
        double? drainS = final.Finished && final.LastCompletedAt is { } last ? Math.Max(0, (last - start).TotalSeconds) : null;
        double? rate = drainS is > 0 ? final.Completed / drainS : null;
        var limitS = maxDrain.TotalSeconds;
        DrainCheck[] checks =
        [
            new(string.Create(CultureInfo.InvariantCulture, $"drain<{limitS:0.###}s"), limitS, drainS, drainS < limitS),
            new(string.Create(CultureInfo.InvariantCulture, $"failed<={maxFailed}"), maxFailed, final.Failed, final.Failed <= maxFailed),
        ];
        return new DrainReport(trigger, final.Jobs, final.Completed, final.Failed, final.Unfinished, drainS, rate, window, latency, checks);
    }
}
