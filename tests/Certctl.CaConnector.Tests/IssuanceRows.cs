using Npgsql;

namespace Certctl.CaConnector.Tests;

/// <summary>Inserts and reads the rows an issuance test needs, on the demo-seeded schema (issuer <c>iss-local</c>).</summary>
public sealed class IssuanceRows(string connectionString)
{
    /// <summary>A certificate on the local CA and a Running issuance job for it, as the dispatcher leaves them.</summary>
    public async Task<(string CertificateId, string JobId)> InsertRunningJobAsync(string keygenMode, string? csrPem = null, string issuerId = "iss-local")
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var certificateId = $"mc-test-{suffix}";
        var jobId = $"job-test-{suffix}";
        await ExecuteAsync("""
            INSERT INTO managed_certificates (id, name, common_name, sans, issuer_id, keygen_mode, status)
            VALUES (@certificate_id, @certificate_id, @cn, ARRAY[@cn, 'alt-' || @cn], @issuer_id, @keygen_mode, 'Pending');
            INSERT INTO jobs (id, type, certificate_id, status, csr_pem, lease_expires_at)
            VALUES (@job_id, 'Issuance', @certificate_id, 'Running', @csr_pem, now() + interval '5 minutes');
            """,
            ("certificate_id", certificateId), ("job_id", jobId), ("cn", $"{suffix}.example.com"), ("keygen_mode", keygenMode), ("csr_pem", csrPem), ("issuer_id", issuerId));
        return (certificateId, jobId);
    }

    public async Task<T> ScalarAsync<T>(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        AddParameters(command, parameters);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async Task ExecuteAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        AddParameters(command, parameters);
        await command.ExecuteNonQueryAsync();
    }

    private static void AddParameters(NpgsqlCommand command, (string Name, object? Value)[] parameters)
    {
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter(name, NpgsqlTypes.NpgsqlDbType.Text) { Value = value ?? DBNull.Value });
        }
    }
}
