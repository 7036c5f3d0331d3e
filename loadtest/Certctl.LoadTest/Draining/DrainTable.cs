using System.Globalization;

namespace Certctl.LoadTest.Draining;

/// <summary>The end-of-drain summary for people, on stdout.</summary>
public static class DrainTable
{
    public static void Write(TextWriter output, DrainSummary summary, string? jsonPath)
    {
        var r = summary.Report;
        var t = r.Trigger;
        Line(output, $"{summary.Scenario}: {summary.Target}  (started {summary.StartedAt:yyyy-MM-dd HH:mm:ss}Z)");
        Line(output, $"  trigger     bulk-renew matched {t.Matched}, created {t.Created}, skipped {t.Skipped.Values.Sum()}, failed {t.Failed} in {t.ResponseMs:0} ms");
        Line(output, $"  jobs        {r.Jobs}: completed {r.Completed}, failed {r.Failed}, unfinished {r.Unfinished}");
        Line(output, $"  drain       {Seconds(r.DrainS)} from the trigger to the last completion{(summary.TimedOut ? " (timed out)" : string.Empty)}{(summary.Interrupted ? " (interrupted)" : string.Empty)}");
        Line(output, $"  issuances   {Rate(r.IssuancesPerS)} overall; steadiest {r.SteadyWindow?.Seconds ?? DrainSql.WindowSeconds} s window {Window(r.SteadyWindow)}");
        Line(output, $"  latency     {Latency(r.LatencyMs)} (completed_at - created_at)");
        foreach (var check in r.Thresholds)
        {
            Line(output, $"  {(check.Passed ? "ok  " : "FAIL")}        {check.Expression} (actual {(check.Actual is { } a ? a.ToString("0.###", CultureInfo.InvariantCulture) : "-")})");
        }

        Line(output, $"  result      {(summary.Passed ? "PASSED" : "FAILED")}");
        if (jsonPath is not null)
        {
            Line(output, $"  summary     {jsonPath}");
        }
    }

    public static string Seconds(double? s) => s is { } v ? string.Create(CultureInfo.InvariantCulture, $"{v:0.0##} s") : "-";

    public static string Rate(double? perSecond) => perSecond is { } v ? string.Create(CultureInfo.InvariantCulture, $"{v:0.#}/s") : "-";

    public static string Window(SteadyWindow? window) => window is null
        ? "- (the drain was shorter)"
        : string.Create(CultureInfo.InvariantCulture, $"{window.Rate:0.#}/s ({window.Completed} completed from {window.StartS} s to {window.StartS + window.Seconds} s)");

    public static string Latency(JobLatency? latency) => latency is null
        ? "-"
        : string.Create(CultureInfo.InvariantCulture, $"p50 {latency.P50:0.#} ms  p90 {latency.P90:0.#} ms  p99 {latency.P99:0.#} ms  max {latency.Max:0.#} ms");

    private static void Line(TextWriter output, FormattableString text) => output.WriteLine(text.ToString(CultureInfo.InvariantCulture));
}
