using Certctl.LoadTest.Seeding;
using Certctl.Testing;
using Npgsql;

namespace Certctl.LoadTest.Tests.Seeding;

/// <summary>The seed command on a real database with the Certctl schema and the demo seed: rows, idempotence, reset, removal.</summary>
public sealed class SeedCommandDatabaseTests(MigratedDatabaseFixture<SeedCommandDatabaseTests> database)
    : IClassFixture<MigratedDatabaseFixture<SeedCommandDatabaseTests>>
{
    private string Db => database.ConnectionString;

    [Fact]
    public async Task Bulk_renewal_seeds_10000_linked_active_certificates_once_resets_what_a_renewal_did_and_removes_them()
    {
        await SeedAsync("bulk_renewal", "--remove");

        var (code, output) = await SeedAsync("bulk_renewal");

        Assert.Equal(LoadCommand.ExitPassed, code);
        Assert.Contains("inserted 10,000 certificates (loadtest-bulk-00001 … loadtest-bulk-10000)", output, StringComparison.Ordinal);
        Assert.Contains("present: 10,000 certificates named loadtest-bulk-…; 0 of them have an active renewal job", output, StringComparison.Ordinal);
        var row = await RowAsync(
            """
            SELECT count(*), count(*) FILTER (WHERE status = 'Active'),
                   count(*) FILTER (WHERE issuer_id = 'iss-local' AND owner_id = 'o-alice' AND team_id = 't-platform'
                                    AND renewal_policy_id = 'rp-standard' AND certificate_profile_id = 'prof-standard-tls'),
                   count(*) FILTER (WHERE common_name = name || '.example.test' AND sans = ARRAY[common_name] AND id = 'mc-' || name),
                   extract(epoch FROM min(expires_at) - now()), extract(epoch FROM max(expires_at) - now()),
                   count(DISTINCT date_trunc('day', expires_at - now()))
            FROM managed_certificates WHERE name LIKE 'loadtest-bulk-%'
            """);
        Assert.Equal([10_000L, 10_000L, 10_000L, 10_000L], row.Take(4).Select(Convert.ToInt64));
        Assert.InRange(Convert.ToDouble(row[4]), 250, 270);                       // 30 days / 10,000 = 259.2 s
        Assert.InRange(Convert.ToDouble(row[5]), 30 * 86_400 - 60, 30 * 86_400);  // the last one at 30 days
        Assert.InRange(Convert.ToInt64(row[6]), 30, 31);                          // every day of the window has some
        var version = await VersionAsync();

        var (again, rerun) = await SeedAsync("bulk_renewal");

        Assert.Equal(LoadCommand.ExitPassed, again);
        Assert.Contains("inserted nothing: all 10,000 certificates (loadtest-bulk-00001 … loadtest-bulk-10000) were already there", rerun, StringComparison.Ordinal);
        Assert.Equal(version, await VersionAsync()); // nothing changed, so no list ETag changed either

        // What one bulk renewal does to the set: a renewal job per certificate, and RenewalInProgress.
        await ExecuteAsync(
            """
            INSERT INTO jobs (id, type, certificate_id, status, requested_by)
            SELECT 'job-' || id, 'Renewal', id, 'AwaitingCSR', 'loadtest' FROM managed_certificates WHERE name LIKE 'loadtest-bulk-%';
            UPDATE managed_certificates SET status = 'RenewalInProgress' WHERE name LIKE 'loadtest-bulk-%';
            """);
        var (_, renewed) = await SeedAsync("bulk_renewal");
        Assert.Contains("10,000 of them have an active renewal job", renewed, StringComparison.Ordinal);
        Assert.Contains("--reset-jobs", renewed, StringComparison.Ordinal);

        var (resetCode, reset) = await SeedAsync("bulk_renewal", "--reset-jobs");

        Assert.Equal(LoadCommand.ExitPassed, resetCode);
        Assert.Contains("reset: deleted 10,000 jobs, returned 10,000 certificates from RenewalInProgress or Failed to their seeded status", reset, StringComparison.Ordinal);
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM jobs WHERE certificate_id LIKE 'mc-loadtest-bulk-%'"));
        Assert.Equal(10_000L, await ScalarAsync("SELECT count(*) FROM managed_certificates WHERE name LIKE 'loadtest-bulk-%' AND status = 'Active'"));

        var (removeCode, removed) = await SeedAsync("bulk_renewal", "--remove");

        Assert.Equal(LoadCommand.ExitPassed, removeCode);
        Assert.Contains("removed 10,000 certificates", removed, StringComparison.Ordinal);
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM managed_certificates WHERE name LIKE 'loadtest-bulk-%'"));
        Assert.Equal(9L, await ScalarAsync("SELECT count(*) FROM managed_certificates")); // the demo seed's own are untouched
    }

    [Fact]
    public async Task Certificate_list_mixes_statuses_exactly_as_the_fixture_says_and_a_reset_restores_only_what_a_renewal_moved()
    {
        await SeedAsync("certificate_list", "--remove");
        var fixture = SeedFixture.CertificateList;

        var (code, output) = await SeedAsync("certificate_list", "--count", "2000");

        Assert.Equal(LoadCommand.ExitPassed, code);
        Assert.Contains("inserted 2,000 certificates (loadtest-list-000001 … loadtest-list-002000)", output, StringComparison.Ordinal);
        var rows = await RowsAsync(
            """
            SELECT name, status, extract(epoch FROM expires_at - now()), revoked_at IS NOT NULL, revocation_reason
            FROM managed_certificates WHERE name LIKE 'loadtest-list-%' ORDER BY name
            """);
        Assert.Equal(2000, rows.Count);
        foreach (var (row, n) in rows.Select((row, i) => (row, i + 1)))
        {
            Assert.Equal(fixture.NameOf(n), row[0]);
            Assert.Equal(fixture.ShareOf(n).Status, row[1]);
            var expected = fixture.ExpiryOffsetOf(n, 2000);
            if (expected is null)
            {
                Assert.Equal(DBNull.Value, row[2]);
            }
            else
            {
                Assert.InRange(Convert.ToDouble(row[2]), expected.Value.TotalSeconds - 60, expected.Value.TotalSeconds + 1);
            }

            Assert.Equal(fixture.ShareOf(n).Status == "Revoked", row[3]);
            Assert.Equal(fixture.ShareOf(n).Status == "Revoked" ? "superseded" : DBNull.Value, row[4]);
        }

        var (more, grown) = await SeedAsync("certificate_list", "--count", "2500");
        Assert.Equal(LoadCommand.ExitPassed, more);
        Assert.Contains("inserted 500 certificates", grown, StringComparison.Ordinal);
        Assert.Contains("2,000 were already there", grown, StringComparison.Ordinal);

        // A renewal moves seeded Active ones to RenewalInProgress; seeded RenewalInProgress ones must stay as they are.
        var seededInProgress = await ScalarAsync("SELECT count(*) FROM managed_certificates WHERE name LIKE 'loadtest-list-%' AND status = 'RenewalInProgress'");
        await ExecuteAsync("UPDATE managed_certificates SET status = 'RenewalInProgress' WHERE name LIKE 'loadtest-list-%' AND status = 'Active'");

        var (_, reset) = await SeedAsync("certificate_list", "--reset-jobs", "--count", "2500");

        Assert.Contains(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"returned {2500 * 70 / 100:N0} certificates"), reset, StringComparison.Ordinal);
        Assert.Equal(seededInProgress, await ScalarAsync("SELECT count(*) FROM managed_certificates WHERE name LIKE 'loadtest-list-%' AND status = 'RenewalInProgress'"));
        await SeedAsync("certificate_list", "--remove");
    }

    private async Task<(int Code, string Output)> SeedAsync(string fixture, params string[] options)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await LoadCommand.RunAsync(["seed", fixture, "--database", Db, .. options], output, error, CancellationToken.None);
        return (code, output + error.ToString());
    }

    // Every committed change to the table adds journal rows (migration 0014), so an unchanged count means an unchanged table.
    private Task<long> VersionAsync() => ScalarAsync("SELECT count(*) FROM managed_certificates_changes");

    private async Task<long> ScalarAsync(string sql) => Convert.ToInt64((await RowAsync(sql))[0]);

    private async Task<object[]> RowAsync(string sql) => (await RowsAsync(sql))[0];

    private async Task<List<object[]>> RowsAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Db);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object[]>();
        while (await reader.ReadAsync())
        {
            var row = new object[reader.FieldCount];
            reader.GetValues(row);
            rows.Add(row);
        }

        return rows;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Db);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>The seed command on a database the suite never migrated.</summary>
public sealed class SeedCommandEmptyDatabaseTests(PostgresDatabaseFixture<SeedCommandEmptyDatabaseTests> database)
    : IClassFixture<PostgresDatabaseFixture<SeedCommandEmptyDatabaseTests>>
{
    [Fact]
    public async Task Says_the_schema_is_missing_and_exits_one()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await LoadCommand.RunAsync(["seed", "bulk_renewal", "--database", database.ConnectionString], output, error, CancellationToken.None);

        Assert.Equal(LoadCommand.ExitFailed, code);
        Assert.Contains("the Certctl schema is not in that database", error.ToString(), StringComparison.Ordinal);
    }
}
