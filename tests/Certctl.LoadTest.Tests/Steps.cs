namespace Certctl.LoadTest.Tests;

/// <summary>Builds step results with just the figures a test cares about.</summary>
internal static class Steps
{
    public static StepResult With(
        double p99 = 1, long samples = 100, long errors = 0, long scheduled = 100, double throughput = 100, double rate = 100) => new()
    {
        Rate = rate,
        DurationS = 1,
        WarmupS = 0,
        ElapsedS = 1,
        Scheduled = scheduled,
        Sent = scheduled,
        Completed = samples,
        Failed = 0,
        Dropped = 0,
        WarmupSent = 0,
        Throughput = throughput,
        LatencyMs = samples == 0 ? LatencySummary.Empty : new LatencySummary(samples, p99 / 4, p99 / 2, p99 / 1.5, p99, p99 * 2, p99 * 3, p99 / 3),
        DriverLagMs = LatencySummary.Empty,
        Errors = new ErrorSummary(errors, scheduled == 0 ? 0 : (double)errors / scheduled, new Dictionary<string, long>(), new Dictionary<string, long>()),
        StatusCodes = new Dictionary<string, long>(),
    };
}
