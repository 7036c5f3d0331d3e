using System.Diagnostics;
using System.Globalization;
using Certctl.LoadTest.Seeding;
using Npgsql;

namespace Certctl.LoadTest.Agents;

/// <summary><c>seed agent_storm</c>: the simulated fleet the <c>agent_storm</c> scenario heartbeats as (see <see cref="AgentSeed"/>).</summary>
public static class AgentSeedCommand
{
    public static async Task<int> RunAsync(SeedOptions options, TextWriter output, TextWriter error, CancellationToken stop)
    {
        NpgsqlConnectionStringBuilder database;
        string? secret = null;
        try
        {
            if (options.ResetJobs)
            {
                throw new UsageException($"{AgentFleet.Name} seeds agents, which have no jobs: --reset-jobs does not apply.");
            }

            if (options.Count > AgentFleet.MaxCount)
            {
                throw new UsageException(Text($"--count: {AgentFleet.Name} names agents with {AgentFleet.Digits} digits, so at most {AgentFleet.MaxCount:N0}."));
            }

            SeedCommand.RequireDatabase(options);
            database = DatabaseTarget.Parse(options.Database!);
            if (!options.Remove)
            {
                secret = AgentFleet.RequireSecret(options.AgentSecret);
            }
        }
        catch (UsageException ex)
        {
            return SeedCommand.Usage(error, ex.Message);
        }

        if (DatabaseTarget.Refusal(database) is { } refusal)
        {
            await error.WriteLineAsync($"refused: {refusal}");
            return LoadCommand.ExitUsage;
        }

        database.ApplicationName ??= "certctl-loadtest-seed";
        var count = options.Count ?? AgentFleet.DefaultCount;
        await output.WriteLineAsync($"seed {AgentFleet.Name}: {DatabaseTarget.Describe(database)}");
        try
        {
            await using var connection = new NpgsqlConnection(database.ConnectionString);
            await connection.OpenAsync(stop);
            var seed = new AgentSeed(connection);
            if (options.Remove)
            {
                var removed = await seed.RemoveAsync(stop);
                await output.WriteLineAsync(Text($"  removed {removed:N0} agents named {AgentFleet.NamePrefix}…"));
                return LoadCommand.ExitPassed;
            }

            var clock = Stopwatch.StartNew();
            var (inserted, refreshed) = await seed.SeedAsync(secret!, count, stop);
            await output.WriteLineAsync(Text(
                $"  inserted {inserted:N0} agents ({AgentFleet.NameOf(1)} … {AgentFleet.NameOf(count)}) in {clock.Elapsed.TotalSeconds:0.0} s; refreshed {refreshed:N0} already there (Online, heartbeats over the last 60 s, tokens of this secret)"));
            var (present, online) = await seed.StateAsync(stop);
            await output.WriteLineAsync(Text($"  present: {present:N0} agents named {AgentFleet.NamePrefix}…; {online:N0} of them Online"));
            return LoadCommand.ExitPassed;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            await error.WriteLineAsync($"seed {AgentFleet.Name}: the Certctl schema is not in that database ({ex.MessageText}); start the suite once so its migrations run.");
            return LoadCommand.ExitFailed;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            await error.WriteLineAsync($"seed {AgentFleet.Name}: interrupted; nothing of the interrupted statement was kept.");
            return LoadCommand.ExitFailed;
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            await error.WriteLineAsync($"seed {AgentFleet.Name}: {ex.Message}");
            return LoadCommand.ExitFailed;
        }
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
