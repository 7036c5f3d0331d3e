using System.Diagnostics;
using System.Globalization;
using Certctl.LoadTest.Acme;
using Certctl.LoadTest.Agents;
using Npgsql;

namespace Certctl.LoadTest.Seeding;

/// <summary>
/// <c>seed &lt;fixture&gt;</c>: puts a fixture's certificates into the suite's Postgres (on this machine only) with one
/// set-based INSERT, reports what was inserted and what was already there, and optionally resets or removes what a run left.
/// </summary>
public static class SeedCommand
{
    /// <summary>The first argument that selects this command.</summary>
    public const string Name = "seed";

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken stop)
    {
        SeedOptions options;
        SeedFixture fixture;
        NpgsqlConnectionStringBuilder database;
        try
        {
            options = SeedOptions.Parse(args);
            if (options.ShowHelp)
            {
                HelpText.Write(output);
                return LoadCommand.ExitPassed;
            }

            if (string.Equals(options.Fixture, AgentFleet.Name, StringComparison.OrdinalIgnoreCase))
            {
                return await AgentSeedCommand.RunAsync(options, output, error, stop);
            }

            if (string.Equals(options.Fixture, AcmeBurstFixture.Name, StringComparison.OrdinalIgnoreCase))
            {
                return await AcmeBurstSeedCommand.RunAsync(options, output, error, stop);
            }

            fixture = Resolve(options);
            database = DatabaseTarget.Parse(options.Database!);
        }
        catch (UsageException ex)
        {
            return Usage(error, ex.Message);
        }

        if (DatabaseTarget.Refusal(database) is { } refusal)
        {
            await error.WriteLineAsync($"refused: {refusal}");
            return LoadCommand.ExitUsage;
        }

        database.ApplicationName ??= "certctl-loadtest-seed";
        var count = options.Count ?? fixture.DefaultCount;
        await output.WriteLineAsync($"seed {fixture.Name}: {DatabaseTarget.Describe(database)}");
        try
        {
            await using var connection = new NpgsqlConnection(database.ConnectionString);
            await connection.OpenAsync(stop);
            var seeder = new FixtureSeeder(connection);
            if (options.Remove)
            {
                var removed = await seeder.RemoveAsync(fixture, stop);
                await output.WriteLineAsync(Text($"  removed {removed:N0} certificates named {fixture.NamePrefix}… (their jobs went with them)"));
                return LoadCommand.ExitPassed;
            }

            var missing = await seeder.MissingReferencesAsync(stop);
            if (missing.Count > 0)
            {
                await error.WriteLineAsync(
                    $"seed {fixture.Name}: the demo seed is missing ({string.Join(", ", missing)}); start the suite with CERTCTL_DEMO_SEED=true (the AppHost's default) first.");
                return LoadCommand.ExitFailed;
            }

            var clock = Stopwatch.StartNew();
            var inserted = await seeder.InsertAsync(fixture, count, stop);
            await output.WriteLineAsync(inserted == 0
                ? Text($"  inserted nothing: all {count:N0} certificates ({fixture.NameOf(1)} … {fixture.NameOf(count)}) were already there")
                : Text($"  inserted {inserted:N0} certificates ({fixture.NameOf(1)} … {fixture.NameOf(count)}) in {clock.Elapsed.TotalSeconds:0.0} s; {count - inserted:N0} were already there"));

            if (options.ResetJobs)
            {
                var reset = await seeder.ResetJobsAsync(fixture, count, stop);
                await output.WriteLineAsync(Text(
                    $"  reset: deleted {reset.JobsDeleted:N0} jobs, returned {reset.CertificatesRestored:N0} certificates from RenewalInProgress or Failed to their seeded status"));
                if (reset.VersionsDeleted > 0 || reset.CertificatesReissuedRestored > 0)
                {
                    await output.WriteLineAsync(Text(
                        $"  reset: deleted {reset.VersionsDeleted:N0} certificate versions a run issued; {reset.CertificatesReissuedRestored:N0} certificates back to their seeded status and expiry"));
                }
            }

            var state = await seeder.StateAsync(fixture, stop);
            await output.WriteLineAsync(Text($"  present: {state.Present:N0} certificates named {fixture.NamePrefix}…; {state.WithActiveJob:N0} of them have an active renewal job"));
            if (state.WithActiveJob > 0 && !options.ResetJobs)
            {
                await output.WriteLineAsync("  (a bulk renewal creates no job for those; add --reset-jobs to clear them before a run that should create jobs)");
            }

            return LoadCommand.ExitPassed;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            await error.WriteLineAsync($"seed {fixture.Name}: the Certctl schema is not in that database ({ex.MessageText}); start the suite once so its migrations run.");
            return LoadCommand.ExitFailed;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // A statement is atomic: an interrupted insert or reset left nothing half done.
            await error.WriteLineAsync($"seed {fixture.Name}: interrupted; nothing of the interrupted statement was kept.");
            return LoadCommand.ExitFailed;
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            await error.WriteLineAsync($"seed {fixture.Name}: {ex.Message}");
            return LoadCommand.ExitFailed;
        }
    }

    internal static void RequireDatabase(SeedOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Database))
        {
            throw new UsageException($"give the suite's database: --database \"Host=127.0.0.1;Port=…;Username=postgres;Password=…;Database=certctl\" or {DatabaseTarget.EnvironmentVariable}.");
        }
    }

    private static SeedFixture Resolve(SeedOptions options)
    {
        var known = string.Join(", ", SeedFixture.All.Select(f => f.Name).Append(AgentFleet.Name).Append(AcmeBurstFixture.Name));
        var fixture = options.Fixture is null
            ? throw new UsageException($"name a fixture ({known}).")
            : SeedFixture.Find(options.Fixture) ?? throw new UsageException($"unknown fixture '{options.Fixture}' (known: {known}).");
        RequireDatabase(options);
        if (options.Count > fixture.MaxCount)
        {
            throw new UsageException(Text($"--count: {fixture.Name} names certificates with {fixture.Digits} digits, so at most {fixture.MaxCount:N0}."));
        }

        return fixture;
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    internal static int Usage(TextWriter error, string message)
    {
        error.WriteLine($"usage error: seed: {message}");
        error.WriteLine("run with --help for the fixtures and options.");
        return LoadCommand.ExitUsage;
    }
}
