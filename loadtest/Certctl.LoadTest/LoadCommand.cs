using System.Globalization;
using Certctl.LoadTest.AcmeIssuance;
using Certctl.LoadTest.Draining;
using Certctl.LoadTest.Scenarios;
using Certctl.LoadTest.Seeding;

namespace Certctl.LoadTest;

/// <summary>
/// The driver's command: parse, check the target, run one step or a ramp, report, pick the exit code. A first argument of
/// <c>seed</c> hands over to <see cref="SeedCommand"/> instead, and one of <c>drain</c> (or <c>pipeline_drain</c>, the drain's
/// name) to <see cref="DrainCommand"/>.
/// </summary>
public static class LoadCommand
{
    public const int ExitPassed = 0;
    public const int ExitFailed = 1;
    public const int ExitUsage = 2;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken stop)
    {
        if (args.Count > 0 && args[0] == SeedCommand.Name)
        {
            return await SeedCommand.RunAsync(args.Skip(1).ToList(), output, error, stop);
        }

        if (args.Count > 0 && args[0] == AcmeIssuanceCommand.Name)
        {
            return await AcmeIssuanceCommand.RunAsync(args.Skip(1).ToList(), output, error, stop);
        }

        if (args.Count > 0 && (args[0] == DrainCommand.Name || args[0] == DrainOptions.PipelineDrain))
        {
            return await DrainCommand.RunAsync(args[0] == DrainCommand.Name ? args.Skip(1).ToList() : args, output, error, stop);
        }

        LoadOptions options;
        try
        {
            options = LoadOptions.Parse(args);
        }
        catch (UsageException ex)
        {
            return Usage(error, ex.Message);
        }

        if (options.ShowHelp)
        {
            HelpText.Write(output);
            return ExitPassed;
        }

        if (options.Scenario is null)
        {
            return Usage(error, "name a scenario.");
        }

        var context = new ScenarioContext(options.BaseUrl, options.Parameters) { ApiKey = options.ApiKey };
        var scenario = ScenarioCatalog.Find(options.Scenario, context);
        if (scenario is null)
        {
            var known = string.Join(", ", ScenarioCatalog.All(context).Select(s => s.Name));
            return Usage(error, $"unknown scenario '{options.Scenario}' (known: {known}).");
        }

        if (LoopbackGuard.Refusal(options.BaseUrl) is { } refusal)
        {
            await error.WriteLineAsync($"refused: {refusal}");
            return ExitUsage;
        }

        var time = TimeProvider.System;
        var startedAt = time.GetUtcNow();
        var path = Path.GetFullPath(options.OutPath ?? Summary.DefaultPath(scenario.Name, startedAt, Directory.GetCurrentDirectory()));
        try
        {
            // Find out now, not after a 30-minute ramp, that the summary cannot be written.
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Usage(error, $"--out: cannot create the folder of '{path}': {ex.Message}");
        }

        using var client = LoadClient.Create(options.ConnectionsFor(scenario), options.Timeout);
        try
        {
            await scenario.PrepareAsync(client, stop);
        }
        catch (UsageException ex)
        {
            return Usage(error, ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await error.WriteLineAsync($"{scenario.Name}: preparation failed: {ex.Message}");
            return ExitFailed;
        }

        await PrimeDriverAsync(client, options.BaseUrl);
        var thresholds = Threshold.Merge(scenario.Defaults.Thresholds, options.Thresholds, options.NoDefaultThresholds);
        var steps = await RunStepsAsync(client, scenario, options, thresholds, time, error, stop);
        if (steps.Count == 0)
        {
            await error.WriteLineAsync("interrupted before the first step ran.");
            return ExitFailed;
        }

        var summary = Summarise(scenario, options, thresholds, steps, startedAt, time.GetUtcNow(), stop.IsCancellationRequested);
        try
        {
            await summary.WriteAsync(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"cannot write the summary to '{path}': {ex.Message}");
            SummaryTable.Write(output, summary, jsonPath: null);
            return ExitFailed;
        }

        SummaryTable.Write(output, summary, path);
        return summary.Passed ? ExitPassed : ExitFailed;
    }

    /// <summary>Runs the one constant step, or the ramp's steps until one does not hold.</summary>
    private static async Task<List<StepResult>> RunStepsAsync(
        HttpClient client, IScenario scenario, LoadOptions options, IReadOnlyList<Threshold> thresholds, TimeProvider time, TextWriter error, CancellationToken stop)
    {
        var duration = options.Duration ?? scenario.Defaults.Duration;
        var rates = options.Ramp?.Rates() ?? [options.Rate ?? scenario.Defaults.Rate];
        var p99Limit = RampPlan.P99Limit(thresholds);
        var steps = new List<StepResult>();
        foreach (var rate in rates)
        {
            if (stop.IsCancellationRequested)
            {
                break;
            }

            // Only the first step warms up; later steps follow on connections that are already warm.
            var plan = new StepPlan(rate, duration, steps.Count == 0 ? options.Warmup : TimeSpan.Zero, options.MaxInFlight, options.Timeout);
            var warmup = plan.Warmup > TimeSpan.Zero ? $" after {DurationText.Format(plan.Warmup)} warm-up" : string.Empty;
            await error.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture, $"{scenario.Name}: {rate:0.##} req/s for {DurationText.Format(duration)} against {options.BaseUrl}{warmup}"));

            var step = (await new ConstantRateRun(client, scenario, plan, time).ExecuteAsync(options.Quiet ? null : error, stop)).WithThresholds(thresholds);
            if (options.Ramp is not null)
            {
                step = step with { HoldsCeiling = RampPlan.Holds(step, p99Limit) };
                await error.WriteLineAsync(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{scenario.Name}: step {rate:0.##} req/s -> p99 {step.LatencyMs.P99:0.###} ms, errors {step.Errors.Total}: {(step.HoldsCeiling == true ? "holds" : "fails, ramp stops")}"));
            }

            steps.Add(step);
            if (step.HoldsCeiling == false)
            {
                break;
            }
        }

        return steps;
    }

    private static Summary Summarise(
        IScenario scenario, LoadOptions options, IReadOnlyList<Threshold> thresholds, List<StepResult> steps, DateTimeOffset startedAt, DateTimeOffset finishedAt, bool interrupted)
    {
        RampReport? ramp = null;
        StepResult? ceiling = null;
        if (options.Ramp is { } plan)
        {
            ceiling = RampPlan.Ceiling(steps);
            ramp = new RampReport(plan.Start, plan.End, plan.Step, RampPlan.P99Limit(thresholds), ceiling?.Rate, ceiling?.LatencyMs.P99, ceiling?.Throughput, steps);
        }

        return new Summary(
            scenario.Name,
            options.BaseUrl.ToString(),
            ramp is null ? "constant" : "ramp",
            startedAt,
            finishedAt,
            interrupted,
            MachineInfo.Current(),
            new RunSettings(options.Warmup.TotalSeconds, options.MaxInFlight, options.ConnectionsFor(scenario), options.Timeout.TotalSeconds),
            ceiling ?? steps[0],
            ramp)
        {
            ResponseCounts = scenario.ResponseCounts(),
        };
    }

    /// <summary>
    /// One untimed GET of the base URL before the clock starts, so the JIT cost of the driver's own HTTP path is not
    /// billed to the first measured requests. Its outcome does not matter and is not counted.
    /// </summary>
    private static async Task PrimeDriverAsync(HttpClient client, Uri baseUrl)
    {
        try
        {
            using var response = await client.GetAsync(baseUrl);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            // A target that is down shows up in the measured requests.
        }
    }

    private static int Usage(TextWriter error, string message)
    {
        error.WriteLine($"usage error: {message}");
        error.WriteLine("run with --help for scenarios and options.");
        return ExitUsage;
    }
}
