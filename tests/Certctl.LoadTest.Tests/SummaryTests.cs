using System.Text.Json;

namespace Certctl.LoadTest.Tests;

public class SummaryTests
{
    private static readonly DateTimeOffset Start = new(2026, 5, 2, 10, 20, 30, TimeSpan.Zero);

    [Fact]
    public void A_constant_run_puts_its_figures_at_the_top_level_in_snake_case()
    {
        var step = Steps.With(p99: 4).WithThresholds([Threshold.Parse("p99<10ms")]);
        var summary = new Summary("ceiling", "http://localhost:8080/", "constant", Start, Start.AddSeconds(31), false, MachineInfo.Current(), new RunSettings(0, 10_000, 256, 30), step, null);

        using var json = JsonDocument.Parse(summary.ToJson());
        var root = json.RootElement;

        Assert.Equal("ceiling", root.GetProperty("scenario").GetString());
        Assert.True(root.GetProperty("passed").GetBoolean());
        Assert.Equal(100, root.GetProperty("rate").GetDouble());
        Assert.Equal(4, root.GetProperty("latency_ms").GetProperty("p99").GetDouble());
        Assert.True(root.GetProperty("latency_ms").TryGetProperty("p999", out _));
        Assert.Equal("p99<10ms", root.GetProperty("thresholds")[0].GetProperty("expression").GetString());
        Assert.True(root.GetProperty("machine").GetProperty("processor_count").GetInt32() > 0);
        Assert.Equal(10_000, root.GetProperty("settings").GetProperty("max_in_flight").GetInt32());
        Assert.False(root.TryGetProperty("ramp", out _));
        Assert.False(root.TryGetProperty("holds_ceiling", out _));
    }

    [Fact]
    public void A_ramp_passes_when_it_found_a_ceiling_and_lists_every_step()
    {
        var steps = new[] { Steps.With(rate: 1000) with { HoldsCeiling = true }, Steps.With(rate: 2000, p99: 50) with { HoldsCeiling = false } };
        var ramp = new RampReport(1000, 5000, 1000, 10, 1000, 1, 100, steps);
        var summary = new Summary("ceiling", "http://localhost:8080/", "ramp", Start, Start, false, MachineInfo.Current(), new RunSettings(0, 10_000, 256, 30), steps[0], ramp);

        using var json = JsonDocument.Parse(summary.ToJson());

        Assert.True(summary.Passed);
        Assert.Equal(2, json.RootElement.GetProperty("ramp").GetProperty("steps").GetArrayLength());
        Assert.Equal(1000, json.RootElement.GetProperty("ramp").GetProperty("ceiling_rate").GetDouble());
    }

    [Fact]
    public void An_interrupted_run_never_passes()
    {
        var step = Steps.With().WithThresholds([]);
        var summary = new Summary("ceiling", "t", "constant", Start, Start, true, MachineInfo.Current(), new RunSettings(0, 1, 1, 1), step, null);

        Assert.False(summary.Passed);
    }

    [Fact]
    public void The_default_file_goes_under_loadtest_results_of_the_repository()
    {
        var root = Directory.CreateTempSubdirectory();
        try
        {
            File.WriteAllText(Path.Combine(root.FullName, "Certctl.sln"), string.Empty);
            var nested = Directory.CreateDirectory(Path.Combine(root.FullName, "a", "b"));

            var path = Summary.DefaultPath("ceiling", Start, nested.FullName);

            Assert.Equal(Path.Combine(root.FullName, "loadtest", "results", "ceiling-20260502T102030Z.json"), path);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public void Response_counts_appear_in_order_only_when_the_scenario_counted_something()
    {
        var step = Steps.With().WithThresholds([]);
        var plain = new Summary("ceiling", "t", "constant", Start, Start, false, MachineInfo.Current(), new RunSettings(0, 1, 1, 1), step, null);
        var counted = plain with { Scenario = "bulk_renewal", ResponseCounts = [new("created", 10_000), new("skipped", 0)] };

        using var without = JsonDocument.Parse(plain.ToJson());
        using var with = JsonDocument.Parse(counted.ToJson());

        Assert.False(without.RootElement.TryGetProperty("response_counts", out _));
        var counts = with.RootElement.GetProperty("response_counts");
        Assert.Equal(["created", "skipped"], counts.EnumerateObject().Select(p => p.Name));
        Assert.Equal(10_000, counts.GetProperty("created").GetInt64());
    }
}
