using System.Diagnostics;
using System.Diagnostics.Metrics;
using Certctl.ServiceDefaults;

namespace Certctl.Scheduler.Loops;

/// <summary>Runs, failures, skipped ticks and run duration of every scheduler loop, tagged with the loop's name, on the Certctl meter.</summary>
public sealed class LoopMetrics
{
    private readonly Counter<long> _runs;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _skips;
    private readonly Histogram<double> _duration;

    public LoopMetrics()
        : this(Telemetry.Meter)
    {
    }

    /// <summary>Records on <paramref name="meter"/> (tests pass their own).</summary>
    public LoopMetrics(Meter meter)
    {
        _runs = meter.CreateCounter<long>("certctl.scheduler.loop.runs", description: "Scheduler loop runs started.");
        _failures = meter.CreateCounter<long>("certctl.scheduler.loop.failures", description: "Scheduler loop runs that failed or timed out.");
        _skips = meter.CreateCounter<long>("certctl.scheduler.loop.skips",
            description: "Scheduler loop ticks skipped (previous run still going, or another replica holds the loop).");
        _duration = meter.CreateHistogram<double>("certctl.scheduler.loop.duration", "s", "Duration of scheduler loop runs.");
    }

    public void Run(string loop) => _runs.Add(1, Tag(loop));

    public void Failure(string loop, string reason) => _failures.Add(1, Tag(loop), new KeyValuePair<string, object?>("reason", reason));

    public void Skip(string loop, string reason) => _skips.Add(1, Tag(loop), new KeyValuePair<string, object?>("reason", reason));

    public void Duration(string loop, TimeSpan elapsed, string outcome) =>
        _duration.Record(elapsed.TotalSeconds, Tag(loop), new KeyValuePair<string, object?>("outcome", outcome));

    private static KeyValuePair<string, object?> Tag(string loop) => new("loop", loop);
}

/// <summary>Why a tick did nothing, or how a run ended, as metric tag values.</summary>
public static class LoopOutcome
{
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string TimedOut = "timed_out";
    public const string StillRunning = "still_running";
    public const string HeldElsewhere = "held_elsewhere";

    internal static TimeSpan Since(long startTimestamp, TimeProvider timeProvider) =>
        timeProvider.GetElapsedTime(startTimestamp, timeProvider.GetTimestamp());

    internal static string Name(Exception exception) => exception is OperationCanceledException ? TimedOut : Failed;

    internal static Activity? StartActivity(string loop) =>
        Telemetry.ActivitySource.StartActivity($"scheduler {loop}")?.SetTag("certctl.scheduler.loop", loop);
}
