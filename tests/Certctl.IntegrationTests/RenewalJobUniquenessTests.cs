using Npgsql;

namespace Certctl.IntegrationTests;

/// <summary>The partial unique index allows one active issuance or renewal job per certificate, whoever inserts it.</summary>
public sealed class RenewalJobUniquenessTests(MigratedDatabaseFixture<RenewalJobUniquenessTests> database)
    : IClassFixture<MigratedDatabaseFixture<RenewalJobUniquenessTests>>
{
    private const string OneActiveJobIndex = "jobs_one_active_issuance_per_certificate";

    [Fact]
    public async Task A_second_active_renewal_for_the_same_certificate_is_rejected()
    {
        // Demo seed: mc-auth-prod (issuer iss-local) has no job yet.
        await InsertJobAsync("job-test-renew-1", "Renewal", "mc-auth-prod", "Pending");

        var rejected = await Assert.ThrowsAsync<PostgresException>(() => InsertJobAsync("job-test-renew-2", "Renewal", "mc-auth-prod", "Running"));

        Assert.Equal(PostgresErrorCodes.UniqueViolation, rejected.SqlState);
        Assert.Equal(OneActiveJobIndex, rejected.ConstraintName);
        Assert.Equal(1L, await CountActiveAsync("mc-auth-prod"));
    }

    [Fact]
    public async Task An_active_issuance_also_blocks_a_renewal()
    {
        await InsertJobAsync("job-test-issue-1", "Issuance", "mc-vpn-prod", "AwaitingIssuer");

        var rejected = await Assert.ThrowsAsync<PostgresException>(() => InsertJobAsync("job-test-issue-2", "Renewal", "mc-vpn-prod", "Pending"));

        Assert.Equal(OneActiveJobIndex, rejected.ConstraintName);
    }

    [Fact]
    public async Task Finished_jobs_and_other_job_types_do_not_count()
    {
        // mc-web-prod already has the seed's Completed renewal job-demo-003.
        await InsertJobAsync("job-test-done-1", "Renewal", "mc-web-prod", "Failed");
        await InsertJobAsync("job-test-done-2", "Deployment", "mc-web-prod", "Pending");
        await InsertJobAsync("job-test-done-3", "Renewal", "mc-web-prod", "Pending");

        Assert.Equal(1L, await CountActiveAsync("mc-web-prod"));
    }

    [Fact]
    public async Task Inserters_using_on_conflict_do_nothing_insert_nothing()
    {
        await InsertJobAsync("job-test-skip-1", "Renewal", "mc-grafana-prod", "Pending");

        var inserted = await ExecuteAsync(
            "INSERT INTO jobs (id, type, certificate_id, status) VALUES ('job-test-skip-2', 'Renewal', 'mc-grafana-prod', 'Pending') ON CONFLICT DO NOTHING");

        Assert.Equal(0, inserted);
    }

    private Task<int> InsertJobAsync(string id, string type, string certificateId, string status) =>
        ExecuteAsync(
            "INSERT INTO jobs (id, type, certificate_id, status) VALUES (@id, @type, @certificate, @status)",
            ("id", id), ("type", type), ("certificate", certificateId), ("status", status));

    private async Task<long> CountActiveAsync(string certificateId)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM jobs WHERE certificate_id = @certificate AND type IN ('Issuance', 'Renewal') " +
            "AND status IN ('Pending', 'AwaitingCSR', 'AwaitingApproval', 'AwaitingIssuer', 'Running')", connection);
        command.Parameters.AddWithValue("certificate", certificateId);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<int> ExecuteAsync(string sql, params (string Name, string Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return await command.ExecuteNonQueryAsync();
    }
}
