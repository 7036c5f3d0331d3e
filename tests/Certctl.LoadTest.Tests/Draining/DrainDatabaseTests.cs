using System.Text.Json;
using Certctl.LoadTest.Draining;
using Certctl.LoadTest.Seeding;
using Certctl.Testing;
using Npgsql;

namespace Certctl.LoadTest.Tests.Draining;

/// <summary>The pipeline_drain fixture, the drain's SQL and the whole drain command on a real database with the Certctl schema and the demo seed.</summary>
public sealed class DrainDatabaseTests(MigratedDatabaseFixture<DrainDatabaseTests> database)
    : IClassFixture<MigratedDatabaseFixture<DrainDatabaseTests>>
{
    private string Db => database.ConnectionString;

    [Fact]
    public async Task The_fixture_is_due_server_key_mode_certificates_and_a_reset_deletes_the_versions_a_run_issued()
    {
        await SeedAsync("--remove");

        var (code, output) = await SeedAsync();

        Assert.Equal(LoadCommand.ExitPassed, code);
        Assert.Contains("inserted 10,000 certificates (loadtest-drain-00001 … loadtest-drain-10000)", output, StringComparison.Ordinal);
        var row = await RowAsync(
            """
            SELECT count(*), count(*) FILTER (WHERE c.status = 'Active' AND c.keygen_mode = 'server'),
                   count(*) FILTER (WHERE c.issuer_id = 'iss-local' AND c.owner_id = 'o-alice' AND c.team_id = 't-platform'
                                    AND c.renewal_policy_id = 'rp-standard' AND c.certificate_profile_id = 'prof-standard-tls'
                                    AND NOT p.requires_approval AND p.allowed_key_algorithms @> '[{"algorithm":"ECDSA","min_size":256}]'),
                   count(*) FILTER (WHERE c.expires_at > now() AND c.expires_at < now() + make_interval(days => rp.renewal_window_days))
            FROM managed_certificates AS c
            JOIN certificate_profiles AS p ON p.id = c.certificate_profile_id
            JOIN renewal_policies AS rp ON rp.id = c.renewal_policy_id
            WHERE c.name LIKE 'loadtest-drain-%'
            """);
        Assert.Equal([10_000L, 10_000L, 10_000L, 10_000L], row.Select(Convert.ToInt64));

        // What a drain does: a completed job and a version per certificate, the certificate Active with a 90-day expiry; one renewal failed for good.
        await ExecuteAsync(
            """
            INSERT INTO jobs (id, type, certificate_id, status, attempts, max_attempts, completed_at, requested_by)
            SELECT 'job-' || id, 'Renewal', id, CASE WHEN id = 'mc-loadtest-drain-00002' THEN 'Failed' ELSE 'Completed' END, 3, 3, now(), 'loadtest'
            FROM managed_certificates WHERE name LIKE 'loadtest-drain-%';
            INSERT INTO certificate_versions (id, certificate_id, issuer_id, serial_number, not_before, not_after, fingerprint_sha256, pem_chain, job_id)
            SELECT 'cv-' || id, id, 'iss-local', 'a' || substr(id, 19), now(), now() + interval '90 days', 'fp-' || id, 'pem', 'job-' || id
            FROM managed_certificates WHERE name LIKE 'loadtest-drain-%' AND id <> 'mc-loadtest-drain-00002';
            UPDATE managed_certificates SET expires_at = now() + interval '90 days', last_renewal_at = now()
            WHERE name LIKE 'loadtest-drain-%' AND id <> 'mc-loadtest-drain-00002';
            UPDATE managed_certificates SET status = 'Failed', last_error = 'boom' WHERE id = 'mc-loadtest-drain-00002';
            """);

        var (resetCode, reset) = await SeedAsync("--reset-jobs");

        Assert.Equal(LoadCommand.ExitPassed, resetCode);
        Assert.Contains("reset: deleted 10,000 jobs, returned 1 certificates from RenewalInProgress or Failed to their seeded status", reset, StringComparison.Ordinal);
        Assert.Contains("reset: deleted 9,999 certificate versions a run issued; 9,999 certificates back to their seeded status and expiry", reset, StringComparison.Ordinal);
        var after = await RowAsync(
            """
            SELECT (SELECT count(*) FROM certificate_versions WHERE certificate_id LIKE 'mc-loadtest-drain-%'),
                   (SELECT count(*) FROM jobs WHERE certificate_id LIKE 'mc-loadtest-drain-%'),
                   count(*) FILTER (WHERE status = 'Active' AND last_error IS NULL AND last_renewal_at IS NULL),
                   count(*) FILTER (WHERE expires_at > now() AND expires_at <= now() + interval '20 days'),
                   extract(epoch FROM max(expires_at) - now())
            FROM managed_certificates WHERE name LIKE 'loadtest-drain-%'
            """);
        Assert.Equal([0L, 0L, 10_000L, 10_000L], after.Take(4).Select(Convert.ToInt64));
        Assert.InRange(Convert.ToDouble(after[4]), 20 * 86_400 - 60, 20 * 86_400); // the last one at 20 days again
        await SeedAsync("--remove");
    }

    [Fact]
    public async Task The_probe_counts_only_the_fixtures_jobs_since_the_start_and_computes_latency_and_the_steadiest_window()
    {
        await SeedAsync("--remove");
        await SeedAsync("--count", "300");
        await using var connection = new NpgsqlConnection(DrainProbe.ReadOnly(new NpgsqlConnectionStringBuilder(Db)).ConnectionString);
        await connection.OpenAsync();
        var probe = new DrainProbe(connection, SeedFixture.PipelineDrain);
        var start = await probe.ClockAsync(CancellationToken.None);

        // Jobs 1…200 complete k × 100 ms after the start; 201 is Pending, 202 failed with attempts left, 203 failed for good,
        // 204 was cancelled, 205 was created before the start (not counted).
        await ExecuteAsync(
            """
            INSERT INTO jobs (id, type, certificate_id, status, attempts, max_attempts, created_at, completed_at, requested_by)
            SELECT 'job-p-' || n, 'Renewal', 'mc-loadtest-drain-' || lpad(n::text, 5, '0'),
                   CASE n WHEN 201 THEN 'Pending' WHEN 202 THEN 'Failed' WHEN 203 THEN 'Failed' WHEN 204 THEN 'Cancelled' ELSE 'Completed' END,
                   CASE n WHEN 202 THEN 1 ELSE 3 END, 3,
                   CASE n WHEN 205 THEN @start - interval '1 minute' ELSE @start END,
                   CASE WHEN n <= 200 THEN @start + n * interval '100 milliseconds' WHEN n = 205 THEN @start END,
                   'loadtest'
            FROM generate_series(1, 205) AS n
            """,
            start);

        var progress = await probe.ProgressAsync(start, CancellationToken.None);
        var latency = await probe.LatencyAsync(start, CancellationToken.None);
        var window = await probe.SteadiestWindowAsync(start, CancellationToken.None);

        Assert.Equal(new DrainProgress(204, 200, 2, 1, 1, start.AddSeconds(20)), progress);
        Assert.False(progress.Finished);
        Assert.Equal(10_050, latency!.P50, 6);  // 100 … 20,000 ms: interpolated between the 100th and 101st
        Assert.Equal(18_010, latency.P90, 6);
        Assert.Equal(19_801, latency.P99, 6);
        Assert.Equal(20_000, latency.Max, 6);
        Assert.Equal(new SteadyWindow(10, 1, 100), window); // seconds 1…19 hold 10 each, second 0 only 9

        // The probe can only read.
        await using var write = new NpgsqlCommand("DELETE FROM jobs WHERE id = 'job-p-1'", connection);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => write.ExecuteNonQueryAsync());
        Assert.Equal(PostgresErrorCodes.ReadOnlySqlTransaction, refused.SqlState);
        await SeedAsync("--remove");
    }

    [Fact]
    public async Task The_drain_triggers_one_bulk_renew_waits_for_every_job_and_writes_a_passing_summary()
    {
        await SeedAsync("--remove");
        await SeedAsync("--count", "50");
        using var gateway = new DrainGateway(Db);
        var path = Path.Combine(Path.GetTempPath(), $"drain-{Guid.NewGuid():N}.json");
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await LoadCommand.RunAsync(
            ["drain", "pipeline_drain", "--database", Db, "--base-url", gateway.BaseUrl, "--api-key", DrainGateway.Key, "--out", path, "--timeout", "30s"],
            output, error, CancellationToken.None);

        Assert.True(code == LoadCommand.ExitPassed, output + error.ToString());
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(path));
        var root = json.RootElement;
        Assert.True(root.GetProperty("passed").GetBoolean());
        Assert.Equal(50, root.GetProperty("trigger").GetProperty("created").GetInt64());
        Assert.Equal(50, root.GetProperty("jobs").GetInt64());
        Assert.Equal(50, root.GetProperty("completed").GetInt64());
        Assert.Equal(0, root.GetProperty("failed").GetInt64());
        Assert.InRange(root.GetProperty("drain_s").GetDouble(), 0.5, 10);                     // the last job completes 500 ms after its creation
        Assert.Equal(500, root.GetProperty("latency_ms").GetProperty("max").GetDouble(), 3);
        Assert.Equal(255, root.GetProperty("latency_ms").GetProperty("p50").GetDouble(), 3);  // 10 … 500 ms
        Assert.False(root.TryGetProperty("steady_window", out _));                            // shorter than 10 s
        Assert.Contains("result      PASSED", output.ToString(), StringComparison.Ordinal);
        File.Delete(path);

        // Run again without a reset: the jobs are Completed, so bulk-renew would create new ones; with one still active it refuses.
        await ExecuteAsync("UPDATE jobs SET status = 'Pending', completed_at = NULL WHERE id = (SELECT min(id) FROM jobs WHERE certificate_id LIKE 'mc-loadtest-drain-%')");
        var refused = await LoadCommand.RunAsync(
            ["drain", "pipeline_drain", "--database", Db, "--base-url", gateway.BaseUrl, "--api-key", DrainGateway.Key, "--out", path], output, error, CancellationToken.None);
        Assert.Equal(LoadCommand.ExitFailed, refused);
        Assert.Contains("1 of the 50 certificates already have an active renewal job", error.ToString(), StringComparison.Ordinal);
        await SeedAsync("--remove");
    }

    private async Task<(int Code, string Output)> SeedAsync(params string[] options)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await LoadCommand.RunAsync(["seed", "pipeline_drain", "--database", Db, .. options], output, error, CancellationToken.None);
        return (code, output + error.ToString());
    }

    private async Task<object[]> RowAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Db);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var row = new object[reader.FieldCount];
        reader.GetValues(row);
        return row;
    }

    private async Task ExecuteAsync(string sql, DateTimeOffset? start = null)
    {
        await using var connection = new NpgsqlConnection(Db);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        if (start is { } value)
        {
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("start", value));
        }

        await command.ExecuteNonQueryAsync();
    }
}
