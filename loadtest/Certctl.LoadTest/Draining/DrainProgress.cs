using System.Globalization;

namespace Certctl.LoadTest.Draining;

/// <summary>
/// Where the drain stands: the fixture's jobs created since the start, how many completed, failed for good (or were
/// cancelled), failed with attempts left (the scheduler will retry them), and are still active; the last completion.
/// </summary>
public sealed record DrainProgress(long Jobs, long Completed, long Failed, long Retrying, long Active, DateTimeOffset? LastCompletedAt)
{
    /// <summary>Every job has ended: none active, none waiting for a retry (and there is at least one).</summary>
    public bool Finished => Jobs > 0 && Active == 0 && Retrying == 0;

    /// <summary>Jobs that have not ended yet.</summary>
    public long Unfinished => Active + Retrying;

    /// <summary>
    /// One progress line: <c>[   5.0s] jobs 10000  completed 1234  failed 0  retrying 0  active 8766  246/s  overall 246/s</c>;
    /// the first rate covers the completions since <paramref name="previous"/>, <paramref name="intervalS"/> seconds ago.
    /// </summary>
    public string Format(double elapsedS, DrainProgress previous, double intervalS)
    {
        var recent = intervalS > 0 ? (Completed - previous.Completed) / intervalS : 0;
        var overall = elapsedS > 0 ? Completed / elapsedS : 0;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"[{elapsedS,6:0.0}s] jobs {Jobs}  completed {Completed}  failed {Failed}  retrying {Retrying}  active {Active}  {recent:0}/s  overall {overall:0}/s");
    }
}

/// <summary>Completed jobs' latency (completed_at − created_at) in milliseconds, percentiles interpolated by Postgres's percentile_cont.</summary>
public sealed record JobLatency(double P50, double P90, double P99, double Max);

/// <summary>The steadiest window: <paramref name="Seconds"/> whole seconds from <paramref name="StartS"/> after the start, with the most completions.</summary>
public sealed record SteadyWindow(int Seconds, int StartS, long Completed)
{
    public double Rate => (double)Completed / Seconds;
}
