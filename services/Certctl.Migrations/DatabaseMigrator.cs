using DbUp;
using DbUp.Builder;
using DbUp.Engine;
using DbUp.Engine.Output;
using DbUp.Helpers;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Certctl.Migrations;

/// <summary>Creates the database if needed, applies the embedded schema scripts once each, and optionally runs the demo seed.</summary>
public static class DatabaseMigrator
{
    /// <summary>The advisory-lock key every runner takes ("certctl" in ASCII, then 01), so concurrent runners queue instead of racing.</summary>
    public const long AdvisoryLockKey = 0x6365_7274_6374_6C01;

    /// <summary>The DbUp journal table (schema public) that records applied schema scripts.</summary>
    public const string JournalTable = "schemaversions";

    private const string JournalSchema = "public";

    private static readonly string SchemaPrefix = typeof(DatabaseMigrator).Namespace + ".Scripts.Schema.";
    private static readonly string SeedPrefix = typeof(DatabaseMigrator).Namespace + ".Scripts.Seed.";

    // Generous: a later migration may build an index over millions of audit rows.
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(30);
    private static readonly TimeSpan LockWaitTimeout = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Migrates the database named in <paramref name="connectionString"/>; with the demo seed on, also seeds the AppHost's demo loop
    /// when <paramref name="demoLoop"/> says where it lives. Throws <see cref="MigrationException"/> on failure.
    /// </summary>
    public static MigrationResult Migrate(string connectionString, bool applyDemoSeed, ILogger logger, DemoLoopSettings? demoLoop = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentNullException.ThrowIfNull(logger);
        var upgradeLog = new MicrosoftUpgradeLog(logger);

        EnsureDatabase(connectionString, upgradeLog);

        PostgresAdvisoryLock migrationLock;
        try
        {
            migrationLock = PostgresAdvisoryLock.Acquire(connectionString, AdvisoryLockKey, LockWaitTimeout, logger);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            throw new MigrationException($"Could not take the migration advisory lock {AdvisoryLockKey}: {ex.Message}", ex);
        }

        using (migrationLock)
        {
            var schemaEngine = Configure(connectionString, SchemaPrefix, upgradeLog)
                .JournalToPostgresqlTable(JournalSchema, JournalTable)
                .Build();
            WarnAboutUnknownScripts(schemaEngine, logger);
            var schema = Run(schemaEngine, "schema migration");
            logger.LogInformation("Schema: {Count} script(s) applied", schema.Count);

            IReadOnlyList<string> seed = [];
            if (applyDemoSeed)
            {
                // The seed is idempotent (ON CONFLICT DO NOTHING), so it runs every time without a journal.
                var seedEngine = Configure(connectionString, SeedPrefix, upgradeLog)
                    .JournalTo(new NullJournal())
                    .Build();
                seed = Run(seedEngine, "demo seed");
                logger.LogInformation("Demo seed: {Count} script(s) run", seed.Count);
                if (demoLoop is not null)
                {
                    DemoLoopSeed.Apply(connectionString, demoLoop, logger);
                }
            }

            return new MigrationResult(schema, seed);
        }
    }

    private static void EnsureDatabase(string connectionString, IUpgradeLog upgradeLog)
    {
        try
        {
            DbUp.EnsureDatabase.For.PostgresqlDatabase(connectionString, upgradeLog);
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            // Another runner created it between the existence check and CREATE DATABASE: that is success.
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or ArgumentException)
        {
            throw new MigrationException($"Could not create or reach the database: {ex.Message}", ex);
        }
    }

    private static UpgradeEngineBuilder Configure(string connectionString, string resourcePrefix, IUpgradeLog upgradeLog) =>
        DeployChanges.To
            .PostgresqlDatabase(connectionString)
            .WithScriptsEmbeddedInAssembly(typeof(DatabaseMigrator).Assembly,
                name => name.StartsWith(resourcePrefix, StringComparison.Ordinal))
            .WithTransactionPerScript()
            // PL/pgSQL dollar quoting must reach the server untouched.
            .WithVariablesDisabled()
            .WithExecutionTimeout(ScriptTimeout)
            .ResetConfiguredLoggers()
            .LogTo(upgradeLog);

    private static void WarnAboutUnknownScripts(UpgradeEngine engine, ILogger logger)
    {
        // Forward-only: an older runner against a newer database applies nothing and says so.
        var unknown = engine.GetExecutedButNotDiscoveredScripts();
        if (unknown.Count > 0)
        {
            logger.LogWarning("The database has {Count} schema script(s) this build does not know: {Scripts}",
                unknown.Count, string.Join(", ", unknown));
        }
    }

    private static IReadOnlyList<string> Run(UpgradeEngine engine, string step)
    {
        DatabaseUpgradeResult result;
        try
        {
            result = engine.PerformUpgrade();
        }
        catch (Exception ex)
        {
            throw new MigrationException($"The {step} failed: {ex.Message}", ex);
        }

        if (!result.Successful)
        {
            var script = result.ErrorScript?.Name ?? "(no script)";
            throw new MigrationException($"The {step} failed in {script}: {result.Error?.Message}", result.Error);
        }

        return result.Scripts.Select(s => s.Name).ToArray();
    }
}
