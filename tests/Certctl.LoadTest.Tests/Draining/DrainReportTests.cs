using System.Text.Json;
using Certctl.LoadTest.Draining;
using Certctl.LoadTest.Seeding;

namespace Certctl.LoadTest.Tests.Draining;

public class DrainReportTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private static readonly DrainTrigger Trigger = new(10_000, 10_000, new Dictionary<string, long>(), 0, 1100);
    private static readonly JobLatency Latency = new(20_000, 36_000, 39_500, 40_100);

    [Fact]
    public void A_finished_drain_under_the_limit_with_no_failure_passes()
    {
        var final = new DrainProgress(10_000, 10_000, 0, 0, 0, Start.AddSeconds(40));

        var report = DrainReport.Build(Trigger, Start, final, new SteadyWindow(10, 12, 2_800), Latency, TimeSpan.FromSeconds(60), 0);

        Assert.Equal(40, report.DrainS);
        Assert.Equal(250, report.IssuancesPerS);
        Assert.Equal(280, report.SteadyWindow!.Rate);
        Assert.True(report.ThresholdsPassed);
        Assert.Equal(["drain<60s", "failed<=0"], report.Thresholds.Select(t => t.Expression));
        Assert.Equal([40.0, 0.0], report.Thresholds.Select(t => t.Actual!.Value));
    }

    [Fact]
    public void Too_slow_or_any_failure_fails_its_rule()
    {
        var slow = DrainReport.Build(Trigger, Start, new DrainProgress(10_000, 10_000, 0, 0, 0, Start.AddSeconds(75)), null, Latency, TimeSpan.FromSeconds(60), 0);
        var failing = DrainReport.Build(Trigger, Start, new DrainProgress(10_000, 9_998, 2, 0, 0, Start.AddSeconds(30)), null, Latency, TimeSpan.FromSeconds(60), 0);
        var tolerated = DrainReport.Build(Trigger, Start, new DrainProgress(10_000, 9_998, 2, 0, 0, Start.AddSeconds(30)), null, Latency, TimeSpan.FromSeconds(60), 2);

        Assert.Equal([false, true], slow.Thresholds.Select(t => t.Passed));
        Assert.Equal([true, false], failing.Thresholds.Select(t => t.Passed));
        Assert.True(tolerated.ThresholdsPassed);
    }

    [Fact]
    public void A_drain_that_did_not_finish_has_no_drain_time_and_fails()
    {
        var final = new DrainProgress(10_000, 9_000, 0, 5, 995, Start.AddSeconds(299));

        var report = DrainReport.Build(Trigger, Start, final, null, Latency, TimeSpan.FromMinutes(10), 0);

        Assert.False(final.Finished);
        Assert.Equal(1_000, report.Unfinished);
        Assert.Null(report.DrainS);
        Assert.Null(report.IssuancesPerS);
        Assert.False(report.Thresholds[0].Passed);
        Assert.False(report.ThresholdsPassed);
    }

    [Fact]
    public void No_job_at_all_is_not_a_finished_drain()
    {
        Assert.False(new DrainProgress(0, 0, 0, 0, 0, null).Finished);
        Assert.False(new DrainProgress(5, 4, 0, 1, 0, Start).Finished); // one failed job waits for its retry
        Assert.True(new DrainProgress(5, 3, 2, 0, 0, Start).Finished);
    }

    [Fact]
    public void The_progress_line_shows_the_counts_the_recent_rate_and_the_overall_rate()
    {
        var previous = new DrainProgress(10_000, 1_000, 0, 0, 9_000, Start);
        var current = new DrainProgress(10_000, 2_250, 1, 2, 7_747, Start);

        Assert.Equal(
            "[  10.0s] jobs 10000  completed 2250  failed 1  retrying 2  active 7747  250/s  overall 225/s",
            current.Format(10, previous, 5));
    }

    [Fact]
    public void The_summary_is_snake_case_json_with_the_figures_at_the_top_and_fails_when_timed_out()
    {
        var final = new DrainProgress(10_000, 10_000, 0, 0, 0, Start.AddSeconds(40));
        var report = DrainReport.Build(Trigger, Start, final, new SteadyWindow(10, 12, 2_800), Latency, TimeSpan.FromSeconds(60), 0);
        var summary = new DrainSummary(
            "pipeline_drain", "http://localhost:8080/", Start, Start.AddSeconds(41), false, false, MachineInfo.Current(),
            new DrainSettings(300, 500, SeedFixture.PipelineDrain.NamePrefix, 10_000), report);

        using var json = JsonDocument.Parse(summary.ToJson());
        var root = json.RootElement;

        Assert.True(summary.Passed);
        Assert.False((summary with { TimedOut = true }).Passed);
        Assert.False((summary with { Interrupted = true }).Passed);
        Assert.Equal("drain", root.GetProperty("mode").GetString());
        Assert.True(root.GetProperty("passed").GetBoolean());
        Assert.Equal(40, root.GetProperty("drain_s").GetDouble());
        Assert.Equal(250, root.GetProperty("issuances_per_s").GetDouble());
        Assert.Equal(10_000, root.GetProperty("trigger").GetProperty("created").GetInt64());
        Assert.Equal(280, root.GetProperty("steady_window").GetProperty("rate").GetDouble());
        Assert.Equal(39_500, root.GetProperty("latency_ms").GetProperty("p99").GetDouble());
        Assert.Equal("drain<60s", root.GetProperty("thresholds")[0].GetProperty("expression").GetString());
        Assert.Equal("loadtest-drain-", root.GetProperty("settings").GetProperty("name_prefix").GetString());

        using var table = new StringWriter();
        DrainTable.Write(table, summary, "x.json");
        Assert.Contains("drain       40.0 s from the trigger to the last completion", table.ToString(), StringComparison.Ordinal);
        Assert.Contains("steadiest 10 s window 280/s (2800 completed from 12 s to 22 s)", table.ToString(), StringComparison.Ordinal);
        Assert.Contains("result      PASSED", table.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_fixture_must_be_there_and_free_of_active_jobs()
    {
        var fixture = SeedFixture.PipelineDrain;

        Assert.Contains("seed pipeline_drain", DrainCommand.Refusal(fixture, new FixtureState(0, 0)), StringComparison.Ordinal);
        Assert.Contains("--reset-jobs", DrainCommand.Refusal(fixture, new FixtureState(10_000, 3)), StringComparison.Ordinal);
        Assert.Null(DrainCommand.Refusal(fixture, new FixtureState(10_000, 0)));
    }
}
