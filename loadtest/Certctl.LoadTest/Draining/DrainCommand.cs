using System.Globalization;
using Certctl.LoadTest.Seeding;
using Npgsql;

namespace Certctl.LoadTest.Draining;

/// <summary>
/// <c>drain pipeline_drain</c>: not a constant-rate run but a drain measurement. Reads the database's clock, renews the whole
/// <c>pipeline_drain</c> fixture with one bulk-renew by name prefix, then polls the database (read-only) every 500 ms until
/// every job created for the fixture since the start has ended or the timeout passes, and reports the drain time, the
/// issuance rate and the jobs' latency against its rules.
/// </summary>
public static class DrainCommand
{
    /// <summary>The first argument that selects this command.</summary>
    public const string Name = "drain";

    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    public static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken stop)
    {
        DrainOptions options;
        SeedFixture fixture;
        NpgsqlConnectionStringBuilder database;
        try
        {
            options = DrainOptions.Parse(args);
            if (options.ShowHelp)
            {
                HelpText.Write(output);
                return LoadCommand.ExitPassed;
            }

            fixture = options.Validate();
            database = DatabaseTarget.Parse(options.Database!);
        }
        catch (UsageException ex)
        {
            return Usage(error, ex.Message);
        }

        if ((DatabaseTarget.Refusal(database) ?? LoopbackGuard.Refusal(options.BaseUrl)) is { } refusal)
        {
            await error.WriteLineAsync($"refused: {refusal}");
            return LoadCommand.ExitUsage;
        }

        var startedAt = TimeProvider.System.GetUtcNow();
        var path = Path.GetFullPath(options.OutPath ?? Summary.DefaultPath(fixture.Name, startedAt, Directory.GetCurrentDirectory()));
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Usage(error, $"--out: cannot create the folder of '{path}': {ex.Message}");
        }

        try
        {
            await using var connection = new NpgsqlConnection(DrainProbe.ReadOnly(database).ConnectionString);
            await connection.OpenAsync(stop);
            var probe = new DrainProbe(connection, fixture);
            var state = await new FixtureSeeder(connection).StateAsync(fixture, stop);
            if (Refusal(fixture, state) is { } notReady)
            {
                await error.WriteLineAsync($"{fixture.Name}: {notReady}");
                return LoadCommand.ExitFailed;
            }

            using var client = LoadClient.Create(4, options.Timeout);
            var start = await probe.ClockAsync(stop);
            await error.WriteLineAsync(Text($"{fixture.Name}: renewing {state.Present:N0} certificates named {fixture.NamePrefix}… with one bulk-renew on {options.BaseUrl}; {DatabaseTarget.Describe(database)}"));
            DrainTrigger trigger;
            try
            {
                trigger = await BulkRenewCall.SendAsync(client, options.BaseUrl, options.ApiKey!, fixture.NamePrefix, stop);
            }
            catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or TaskCanceledException && !stop.IsCancellationRequested)
            {
                await error.WriteLineAsync($"{fixture.Name}: the trigger failed: {ex.Message}");
                return LoadCommand.ExitFailed;
            }

            await error.WriteLineAsync(Text($"{fixture.Name}: bulk-renew created {trigger.Created:N0} jobs in {trigger.ResponseMs:0} ms; waiting for them (timeout {DurationText.Format(options.Timeout)})"));
            var (final, timedOut) = trigger.Created == 0
                ? (await probe.ProgressAsync(start, stop), false)
                : await WatchAsync(probe, start, options.Timeout, options.Quiet ? null : error, stop);
            if (trigger.Created == 0)
            {
                await error.WriteLineAsync(Text($"{fixture.Name}: bulk-renew created no job (matched {trigger.Matched:N0}, skipped {trigger.Skipped.Values.Sum():N0}); nothing to drain."));
            }

            // The figures are read even after Ctrl+C: the summary of an interrupted drain is still worth having.
            var latency = await probe.LatencyAsync(start, CancellationToken.None);
            var window = await probe.SteadiestWindowAsync(start, CancellationToken.None);
            var report = DrainReport.Build(trigger, start, final, window, latency, options.MaxDrain, options.MaxFailed);
            var summary = new DrainSummary(
                fixture.Name, options.BaseUrl.ToString(), startedAt, TimeProvider.System.GetUtcNow(), stop.IsCancellationRequested, timedOut, MachineInfo.Current(),
                new DrainSettings(options.Timeout.TotalSeconds, PollInterval.TotalMilliseconds, fixture.NamePrefix, state.Present),
                report);
            try
            {
                await summary.WriteAsync(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"cannot write the summary to '{path}': {ex.Message}");
                DrainTable.Write(output, summary, jsonPath: null);
                return LoadCommand.ExitFailed;
            }

            DrainTable.Write(output, summary, path);
            return summary.Passed ? LoadCommand.ExitPassed : LoadCommand.ExitFailed;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            await error.WriteLineAsync($"{fixture.Name}: the Certctl schema is not in that database ({ex.MessageText}); start the suite once so its migrations run.");
            return LoadCommand.ExitFailed;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            await error.WriteLineAsync($"{fixture.Name}: interrupted before the trigger.");
            return LoadCommand.ExitFailed;
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            await error.WriteLineAsync($"{fixture.Name}: {ex.Message}");
            return LoadCommand.ExitFailed;
        }
    }

    /// <summary>Why the fixture cannot be drained as it is, or null: it must be there and hold no active job (bulk-renew would skip those).</summary>
    public static string? Refusal(SeedFixture fixture, FixtureState state) => state switch
    {
        { Present: 0 } => $"no certificate is named {fixture.NamePrefix}…; seed them first: seed {fixture.Name}",
        { WithActiveJob: > 0 } => Text(
            $"{state.WithActiveJob:N0} of the {state.Present:N0} certificates already have an active renewal job (an earlier run, or the scheduler's renewal scan: the fixture is due), and bulk-renew would skip them; run seed {fixture.Name} --reset-jobs right before the drain."),
        _ => null,
    };

    /// <summary>Polls every <see cref="PollInterval"/> until every job ended, <paramref name="timeout"/> passed, or <paramref name="stop"/>.</summary>
    private static async Task<(DrainProgress Final, bool TimedOut)> WatchAsync(
        DrainProbe probe, DateTimeOffset start, TimeSpan timeout, TextWriter? progress, CancellationToken stop)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var current = await probe.ProgressAsync(start, CancellationToken.None);
        var (shown, shownAt) = (current, TimeSpan.Zero);
        using var timer = new PeriodicTimer(PollInterval);
        while (!current.Finished && clock.Elapsed < timeout)
        {
            try
            {
                await timer.WaitForNextTickAsync(stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            current = await probe.ProgressAsync(start, CancellationToken.None);
            if (progress is not null && clock.Elapsed - shownAt >= ProgressInterval)
            {
                await progress.WriteLineAsync(current.Format(clock.Elapsed.TotalSeconds, shown, (clock.Elapsed - shownAt).TotalSeconds));
                (shown, shownAt) = (current, clock.Elapsed);
            }
        }

        return (current, !current.Finished && !stop.IsCancellationRequested);
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static int Usage(TextWriter error, string message)
    {
        error.WriteLine($"usage error: drain: {message}");
        error.WriteLine("run with --help for the drain and its options.");
        return LoadCommand.ExitUsage;
    }
}
