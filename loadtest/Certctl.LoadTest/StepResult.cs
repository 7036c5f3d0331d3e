namespace Certctl.LoadTest;

/// <summary>
/// What one constant-rate step measured. Counts cover the measured window only (warm-up excluded):
/// scheduled = sent + dropped; sent = completed (an HTTP response, any status) + failed (timeout, refused, …) + still unknown (none after the drain).
/// </summary>
public sealed record StepResult
{
    /// <summary>Offered load, requests per second.</summary>
    public required double Rate { get; init; }

    public required double DurationS { get; init; }

    public required double WarmupS { get; init; }

    /// <summary>Measured window plus the time the last response took to come back after it.</summary>
    public required double ElapsedS { get; init; }

    public required long Scheduled { get; init; }

    public required long Sent { get; init; }

    public required long Completed { get; init; }

    public required long Failed { get; init; }

    /// <summary>Due but never sent because the in-flight cap was reached; each counts as an error.</summary>
    public required long Dropped { get; init; }

    public required long WarmupSent { get; init; }

    /// <summary>Completed requests (responses of any status) per second of <see cref="ElapsedS"/>.</summary>
    public required double Throughput { get; init; }

    /// <summary>From each request's intended start to its last response byte; responses and timeouts only.</summary>
    public required LatencySummary LatencyMs { get; init; }

    /// <summary>How late the driver itself started requests after their intended start; large values mean the driver, not the target, was the bottleneck.</summary>
    public required LatencySummary DriverLagMs { get; init; }

    public required ErrorSummary Errors { get; init; }

    /// <summary>Every response by status code.</summary>
    public required IReadOnlyDictionary<string, long> StatusCodes { get; init; }

    /// <summary>Latency per endpoint, for scenarios that mix several (<see cref="Scenarios.IScenario.EndpointOf"/>); empty otherwise.</summary>
    public IReadOnlyDictionary<string, LatencySummary> EndpointLatencyMs { get; init; } = new SortedDictionary<string, LatencySummary>(StringComparer.Ordinal);

    public IReadOnlyList<ThresholdResult> Thresholds { get; init; } = [];

    /// <summary>Every threshold held.</summary>
    public bool ThresholdsPassed { get; init; }

    /// <summary>Ramp mode only: p99 under the ceiling limit with no error at all.</summary>
    public bool? HoldsCeiling { get; init; }

    /// <summary>Judges the step against <paramref name="thresholds"/>.</summary>
    public StepResult WithThresholds(IReadOnlyList<Threshold> thresholds)
    {
        var results = thresholds.Select(t => t.Evaluate(this)).ToList();
        return this with { Thresholds = results, ThresholdsPassed = results.TrueForAll(r => r.Passed) };
    }
}

/// <summary>Latency percentiles in milliseconds; all zero when <see cref="Count"/> is zero.</summary>
public sealed record LatencySummary(long Count, double P50, double P90, double P95, double P99, double P999, double Max, double Mean)
{
    public static LatencySummary Empty { get; } = new(0, 0, 0, 0, 0, 0, 0, 0);
}

/// <summary>Errors of a step: total, share of scheduled requests, erroneous responses by status, and every error by kind (kinds add up to the total).</summary>
public sealed record ErrorSummary(long Total, double Rate, IReadOnlyDictionary<string, long> ByStatus, IReadOnlyDictionary<string, long> ByKind);
