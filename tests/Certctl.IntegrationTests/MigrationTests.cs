using Certctl.Migrations;
using Npgsql;

namespace Certctl.IntegrationTests;

/// <summary>The migration runner against a real Postgres: a fresh database gets the whole schema, and a second run changes nothing.</summary>
public sealed class MigrationTests(ITestOutputHelper output)
{
    private static readonly string[] SchemaScripts =
    [
        "0001_core_inventory.sql", "0002_agents_targets_discovery.sql", "0003_jobs.sql",
        "0004_audit.sql", "0005_notifications_revocation_crl.sql", "0006_acme.sql", "0007_discovery_created_keyset.sql",
        "0008_list_change_journals.sql", "0009_ca_connector.sql", "0010_scheduler.sql", "0011_async_issuers.sql",
        "0012_revocation_crl_ocsp.sql", "0013_notifications.sql", "0014_list_journal_xids.sql", "0015_dispatch_index.sql",
        "0016_acme_issuer.sql",
        "0017_acme_renewal_info.sql",
        "0018_pem_folder_target.sql",
        "0019_acme_external_account_keys.sql",
        "0020_acme_authorization_reuse.sql",
        "0022_agents_heartbeat_hot_updates.sql",
        "0023_static_list_journal_triggers.sql",
        "0024_drop_redundant_expiry_index.sql",
        "0025_exhausted_jobs_index.sql",
        "0026_fewer_index_writes_per_issuance.sql",
        "0027_acme_cache_notifications.sql",
        "0028_cheaper_statistics_for_issuance_tables.sql",
    ];

    private static readonly string[] ExpectedTables =
    [
        "table_versions", "teams", "owners", "issuers", "certificate_profiles", "renewal_policies", "policy_rules",
        "managed_certificates", "policy_violations", "certificate_versions", "agents", "agent_groups", "agent_group_members",
        "deployment_targets", "certificate_target_mappings", "discovery_scans", "discovered_certificates", "jobs",
        "issuance_approval_requests", "audit_events", "notification_events", "certificate_revocations", "crl_cache",
        "acme_accounts", "acme_orders", "acme_authorizations", "acme_challenges", "acme_redeemed_nonces", "acme_rate_limits",
        "managed_certificates_changes", "jobs_changes", "agents_changes", "audit_events_changes", "discovered_certificates_changes",
        "issuer_ca_keys", "ocsp_responders", "acme_issuer_accounts", "acme_http01_challenges", "certificate_renewal_info",
        "acme_external_account_keys", "acme_order_authorizations",
        DatabaseMigrator.JournalTable,
    ];

    [Fact]
    public async Task An_empty_database_gets_every_schema_script_and_table()
    {
        await using var database = await TestDatabase.CreateAsync(nameof(MigrationTests));

        var result = await MigrateAsync(database.ConnectionString, applyDemoSeed: false);

        Assert.Equal(SchemaScripts, result.SchemaScriptsApplied.Select(ScriptFileName));
        Assert.Empty(result.SeedScriptsRun);
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        var tables = await DatabaseSnapshot.TablesAsync(connection);
        Assert.Empty(ExpectedTables.Except(tables));
    }

    [Fact]
    public async Task A_second_run_with_the_demo_seed_changes_nothing()
    {
        await using var database = await TestDatabase.CreateAsync(nameof(MigrationTests));
        var first = await MigrateAsync(database.ConnectionString, applyDemoSeed: true);
        Assert.Equal(SchemaScripts.Length, first.SchemaScriptsApplied.Count);
        var before = await DatabaseSnapshot.TakeAsync(database.ConnectionString);
        Assert.True(before.RowCounts["managed_certificates"] > 0, "the demo seed should have inserted certificates");

        var second = await MigrateAsync(database.ConnectionString, applyDemoSeed: true);

        Assert.Empty(second.SchemaScriptsApplied);
        Assert.Single(second.SeedScriptsRun);
        var after = await DatabaseSnapshot.TakeAsync(database.ConnectionString);
        Assert.True(before.SchemaHash == after.SchemaHash, "The schema changed on the second run:" + Environment.NewLine + before.SchemaDifference(after));
        Assert.Equal(before.RowCounts, after.RowCounts);
        // An idempotent re-seed must not bump the ETag counters either (clients' cached lists stay valid).
        Assert.Equal(before.TableVersions, after.TableVersions);
    }

    [Fact]
    public async Task The_demo_loop_maps_a_short_lived_certificate_to_the_demo_agents_pem_folder_and_starts_it_once()
    {
        await using var database = await TestDatabase.CreateAsync(nameof(MigrationTests));
        var db = database.ConnectionString;
        var loop = new DemoLoopSettings("demo-agent-token", "/srv/certctl-demo-deploy", 18443);
        await MigrateAsync(db, applyDemoSeed: true, loop);

        Assert.Equal(System.Security.Cryptography.SHA256.HashData("demo-agent-token"u8),
            await Sql.ScalarAsync<byte[]>(db, "SELECT token_hash FROM agents WHERE id = $1", DemoLoopSeed.AgentId));
        var target = Assert.Single(await Sql.RowsAsync(db,
            "SELECT type, agent_id, config->>'directory' AS directory, (config->>'port')::int AS port FROM deployment_targets WHERE id = $1", DemoLoopSeed.TargetId));
        Assert.Equal(("PEMFolder", DemoLoopSeed.AgentId, "/srv/certctl-demo-deploy", 18443),
            ((string)target["type"]!, (string)target["agent_id"]!, (string)target["directory"]!, (int)target["port"]!));
        Assert.Equal(1L, await Sql.ScalarAsync<long>(db,
            "SELECT count(*) FROM certificate_target_mappings WHERE certificate_id = $1 AND target_id = $2", DemoLoopSeed.CertificateId, DemoLoopSeed.TargetId));
        Assert.Equal(600, await Sql.ScalarAsync<int>(db,
            "SELECT p.max_ttl_seconds FROM managed_certificates c JOIN certificate_profiles p ON p.id = c.certificate_profile_id WHERE c.id = $1 AND p.allow_short_lived",
            DemoLoopSeed.CertificateId));
        var firstJob = await Sql.ScalarAsync<string>(db,
            "SELECT type || ' ' || status FROM jobs WHERE certificate_id = $1", DemoLoopSeed.CertificateId);
        Assert.Equal("Issuance AwaitingCSR", firstJob);

        // A second start with everything in place changes no row and no list tag.
        var before = await DatabaseSnapshot.TakeAsync(db);
        await MigrateAsync(db, applyDemoSeed: true, loop);
        var after = await DatabaseSnapshot.TakeAsync(db);
        Assert.Equal(before.RowCounts, after.RowCounts);
        Assert.Equal(before.TableVersions, after.TableVersions);

        // The suite was stopped long enough for the certificate to expire: the next start renews it, and the folder follows the AppHost.
        await Sql.ExecuteAsync(db, "UPDATE jobs SET status = 'Completed' WHERE certificate_id = $1", DemoLoopSeed.CertificateId);
        await Sql.ExecuteAsync(db, "UPDATE managed_certificates SET status = 'Expired', expires_at = now() - interval '1 hour' WHERE id = $1", DemoLoopSeed.CertificateId);
        await MigrateAsync(db, applyDemoSeed: true, loop with { DeployDirectory = "/srv/elsewhere" });

        Assert.Equal("RenewalInProgress", await Sql.ScalarAsync<string>(db, "SELECT status FROM managed_certificates WHERE id = $1", DemoLoopSeed.CertificateId));
        Assert.Equal(1L, await Sql.ScalarAsync<long>(db,
            "SELECT count(*) FROM jobs WHERE certificate_id = $1 AND type = 'Renewal' AND status = 'AwaitingCSR'", DemoLoopSeed.CertificateId));
        Assert.Equal("/srv/elsewhere", await Sql.ScalarAsync<string>(db, "SELECT config->>'directory' FROM deployment_targets WHERE id = $1", DemoLoopSeed.TargetId));

        // Stopped past its expiry before the scheduler marked it Expired: the start renews it too (the expiry loop would win the race
        // against the renewal scan, which skips Expired certificates).
        await Sql.ExecuteAsync(db, "UPDATE jobs SET status = 'Completed' WHERE certificate_id = $1", DemoLoopSeed.CertificateId);
        await Sql.ExecuteAsync(db, "UPDATE managed_certificates SET status = 'Active' WHERE id = $1", DemoLoopSeed.CertificateId);
        await MigrateAsync(db, applyDemoSeed: true, loop);

        Assert.Equal("RenewalInProgress", await Sql.ScalarAsync<string>(db, "SELECT status FROM managed_certificates WHERE id = $1", DemoLoopSeed.CertificateId));
        Assert.Equal(2L, await Sql.ScalarAsync<long>(db,
            "SELECT count(*) FROM jobs WHERE certificate_id = $1 AND type = 'Renewal'", DemoLoopSeed.CertificateId));
    }

    private Task<MigrationResult> MigrateAsync(string connectionString, bool applyDemoSeed, DemoLoopSettings? demoLoop = null) =>
        Task.Run(() => DatabaseMigrator.Migrate(connectionString, applyDemoSeed, output.CreateLogger("Certctl.Migrations"), demoLoop));

    // Embedded resource names carry the namespace: Certctl.Migrations.Scripts.Schema.0001_core_inventory.sql.
    private static string ScriptFileName(string resourceName)
    {
        var withoutExtension = resourceName[..^".sql".Length];
        return withoutExtension[(withoutExtension.LastIndexOf('.') + 1)..] + ".sql";
    }
}
