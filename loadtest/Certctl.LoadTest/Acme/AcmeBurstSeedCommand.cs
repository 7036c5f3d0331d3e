using System.Diagnostics;
using System.Globalization;
using Certctl.LoadTest.Seeding;
using Npgsql;

namespace Certctl.LoadTest.Acme;

/// <summary><c>seed acme_burst</c>: the certificates whose renewal information the <c>acme_burst</c> scenario asks for.</summary>
public static class AcmeBurstSeedCommand
{
    public static async Task<int> RunAsync(SeedOptions options, TextWriter output, TextWriter error, CancellationToken stop)
    {
        NpgsqlConnectionStringBuilder database;
        try
        {
            if (options.ResetJobs)
            {
                throw new UsageException($"{AcmeBurstFixture.Name} certificates never renew (rp-manual): --reset-jobs does not apply.");
            }

            if (options.Count > AcmeBurstFixture.MaxCount)
            {
                throw new UsageException(Text($"--count: {AcmeBurstFixture.Name} names certificates with {AcmeBurstFixture.Digits} digits, so at most {AcmeBurstFixture.MaxCount:N0}."));
            }

            SeedCommand.RequireDatabase(options);
            database = DatabaseTarget.Parse(options.Database!);
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
        var count = options.Count ?? AcmeBurstFixture.DefaultCount;
        await output.WriteLineAsync($"seed {AcmeBurstFixture.Name}: {DatabaseTarget.Describe(database)}");
        try
        {
            await using var connection = new NpgsqlConnection(database.ConnectionString);
            await connection.OpenAsync(stop);
            var seed = new AcmeBurstSeed(connection);
            if (options.Remove)
            {
                var removed = await seed.RemoveAsync(stop);
                await output.WriteLineAsync(Text($"  removed {removed:N0} certificates named {AcmeBurstFixture.NamePrefix}… (their versions went with them)"));
                return LoadCommand.ExitPassed;
            }

            var clock = Stopwatch.StartNew();
            var inserted = await seed.InsertAsync(count, stop);
            await output.WriteLineAsync(Text(
                $"  inserted {inserted:N0} certificates with one version each ({AcmeBurstFixture.IdOf(1)} … {AcmeBurstFixture.IdOf(count)}) in {clock.Elapsed.TotalSeconds:0.0} s; {count - inserted:N0} were already there"));
            await output.WriteLineAsync(Text($"  present: {await seed.CountAsync(stop):N0} certificates named {AcmeBurstFixture.NamePrefix}…"));
            return LoadCommand.ExitPassed;
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.ForeignKeyViolation)
        {
            await error.WriteLineAsync(
                $"seed {AcmeBurstFixture.Name}: {ex.MessageText}; start the suite once (migrations and the demo seed, CERTCTL_DEMO_SEED=true) first.");
            return LoadCommand.ExitFailed;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            await error.WriteLineAsync($"seed {AcmeBurstFixture.Name}: interrupted; nothing of the interrupted statement was kept.");
            return LoadCommand.ExitFailed;
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            await error.WriteLineAsync($"seed {AcmeBurstFixture.Name}: {ex.Message}");
            return LoadCommand.ExitFailed;
        }
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
