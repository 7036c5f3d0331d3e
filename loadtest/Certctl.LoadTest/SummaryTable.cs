using System.Globalization;

namespace Certctl.LoadTest;

/// <summary>The short human-readable account printed to stdout at the end of a run.</summary>
public static class SummaryTable
{
    public static void Write(TextWriter output, Summary summary, string? jsonPath)
    {
        var step = summary.Headline;
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine();
        output.WriteLine(string.Create(inv, $"{summary.Scenario} -> {summary.Target}  ({summary.Mode}{(summary.Interrupted ? ", INTERRUPTED" : string.Empty)})"));

        if (summary.Ramp is { } ramp)
        {
            output.WriteLine(string.Create(inv, $"  {"rate/s",9} {"thru/s",9} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8} {"max ms",9} {"errors",8} {"lag p99",8}  verdict"));
            foreach (var s in ramp.Steps)
            {
                var verdict = s.HoldsCeiling == true ? "holds" : "fails";
                output.WriteLine(string.Create(inv, $"  {s.Rate,9:0.##} {s.Throughput,9:0.0} {s.LatencyMs.P50,8:0.###} {s.LatencyMs.P95,8:0.###} {s.LatencyMs.P99,8:0.###} {s.LatencyMs.Max,9:0.###} {s.Errors.Total,8} {s.DriverLagMs.P99,8:0.###}  {verdict}"));
            }

            output.WriteLine(ramp.CeilingRate is { } rate
                ? string.Create(inv, $"  ceiling: {rate:0.##} req/s offered ({ramp.CeilingThroughput:0.0} completed/s) with p99 {ramp.CeilingP99Ms:0.###} ms < {ramp.P99LimitMs:0.###} ms and no errors")
                : string.Create(inv, $"  ceiling: none - the first step ({ramp.Start:0.##} req/s) already broke p99 < {ramp.P99LimitMs:0.###} ms or had errors"));
            output.WriteLine("  headline step below: " + (ramp.CeilingRate is null ? "the first step" : "the ceiling step"));
        }

        output.WriteLine(string.Create(inv, $"  rate {step.Rate:0.##}/s for {step.DurationS:0.###}s (warm-up {step.WarmupS:0.###}s, elapsed {step.ElapsedS:0.###}s)"));
        output.WriteLine(string.Create(inv, $"  sent {step.Sent}  completed {step.Completed}  failed {step.Failed}  dropped {step.Dropped}  throughput {step.Throughput:0.0}/s"));
        var l = step.LatencyMs;
        output.WriteLine(l.Count == 0
            ? "  latency: no responses"
            : string.Create(inv, $"  latency ms  p50 {l.P50:0.###}  p90 {l.P90:0.###}  p95 {l.P95:0.###}  p99 {l.P99:0.###}  p99.9 {l.P999:0.###}  max {l.Max:0.###}  mean {l.Mean:0.###}"));
        foreach (var (endpoint, e) in step.EndpointLatencyMs)
        {
            output.WriteLine(string.Create(inv, $"    {endpoint,-14} n {e.Count,9}  p50 {e.P50:0.###}  p95 {e.P95:0.###}  p99 {e.P99:0.###}  max {e.Max:0.###}"));
        }

        output.WriteLine(string.Create(inv, $"  driver lag ms  p50 {step.DriverLagMs.P50:0.###}  p99 {step.DriverLagMs.P99:0.###}  max {step.DriverLagMs.Max:0.###}"));
        if (DriverWasBottleneck(step))
        {
            output.WriteLine("  warning: the driver itself started requests late (lag p99 is a large share of latency p99);");
            output.WriteLine("           the driver or a busy machine, not only the target, shaped these figures");
        }
        output.WriteLine(string.Create(inv, $"  status {Join(step.StatusCodes)}"));
        if (summary.ResponseCounts.Count > 0)
        {
            output.WriteLine("  responses read (whole run, warm-up included):");
            foreach (var count in summary.ResponseCounts)
            {
                output.WriteLine(string.Create(inv, $"    {count.Name,-44} {count.Value,12:N0}"));
            }
        }

        output.WriteLine(string.Create(inv, $"  errors {step.Errors.Total} ({step.Errors.Rate * 100:0.###}%){(step.Errors.Total > 0 ? "  " + Join(step.Errors.ByKind) : string.Empty)}"));
        foreach (var t in step.Thresholds)
        {
            var actual = t.Actual is { } a ? string.Create(inv, $"{a:0.###} {t.Unit}") : "no data";
            output.WriteLine($"  {(t.Passed ? "PASS" : "FAIL")} {t.Expression}  (measured {actual})");
        }

        output.WriteLine(summary.Passed ? "  result: PASS" : "  result: FAIL");
        if (jsonPath is not null)
        {
            output.WriteLine($"  summary: {jsonPath}");
        }
    }

    /// <summary>Driver lag p99 above 1 ms and above a quarter of latency p99.</summary>
    public static bool DriverWasBottleneck(StepResult step) =>
        step.DriverLagMs.P99 > 1 && step.DriverLagMs.P99 > step.LatencyMs.P99 / 4;

    private static string Join(IReadOnlyDictionary<string, long> counts) =>
        counts.Count == 0 ? "-" : string.Join("  ", counts.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key}:{kv.Value}")));
}
