using System.Globalization;

namespace Certctl.LoadTest;

/// <summary>Where a run stands at one moment, as the progress line shows it (warm-up included in the totals).</summary>
public sealed record ProgressSnapshot(double ElapsedS, bool WarmingUp, double Rate, long Sent, long Finished, long InFlight, long Errors, double? P99Ms);

/// <summary>Writes one progress line a second to stderr while a step runs.</summary>
public sealed class ProgressReporter(TextWriter output, TimeProvider time)
{
    /// <summary>Samples <paramref name="sample"/> every second and prints a line until <paramref name="stop"/> is cancelled.</summary>
    public async Task RunAsync(Func<ProgressSnapshot> sample, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        var previous = sample();
        var previousAt = time.GetTimestamp();
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                var current = sample();
                var now = time.GetTimestamp();
                await output.WriteLineAsync(Format(current, previous, time.GetElapsedTime(previousAt, now).TotalSeconds));
                (previous, previousAt) = (current, now);
            }
        }
        catch (OperationCanceledException)
        {
            // The step ended; the summary follows.
        }
    }

    /// <summary>One progress line; current throughput is requests finished since <paramref name="previous"/> per second.</summary>
    public static string Format(ProgressSnapshot current, ProgressSnapshot previous, double intervalS)
    {
        var throughput = intervalS > 0 ? (current.Finished - previous.Finished) / intervalS : 0;
        var p99 = current.P99Ms is { } ms ? $"{ms:0.###}ms" : "-";
        var phase = current.WarmingUp ? " warmup" : string.Empty;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"[{current.ElapsedS,6:0.0}s{phase}] rate {current.Rate:0.##}/s  sent {current.Sent}  done {current.Finished}  in-flight {current.InFlight}  {throughput:0}/s  p99 {p99}  errors {current.Errors}");
    }
}
