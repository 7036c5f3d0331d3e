namespace Certctl.Scheduler.Tests;

/// <summary>Arranges the rows the loops act on; every test makes its own, named after a fresh suffix, on top of the demo seed.</summary>
internal sealed class Rows(string connectionString, DateTimeOffset now)
{
    public const string Issuer = "iss-local";

    public string ConnectionString => connectionString;

    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    public async Task<string> PolicyAsync(int windowDays = 30, decimal? fraction = null, bool autoRenew = true, int maxRetries = 2)
    {
        var id = Unique("rp");
        await Sql.ExecuteAsync(connectionString,
            "INSERT INTO renewal_policies (id, name, renewal_window_days, renewal_window_fraction, auto_renew, max_retries) VALUES ($1, $1, $2, $3, $4, $5)",
            id, windowDays, fraction, autoRenew, maxRetries);
        return id;
    }

    public async Task<string> ProfileAsync(bool requiresApproval)
    {
        var id = Unique("prof");
        await Sql.ExecuteAsync(connectionString, "INSERT INTO certificate_profiles (id, name, requires_approval) VALUES ($1, $1, $2)", id, requiresApproval);
        return id;
    }

    public async Task<string> CertificateAsync(
        TimeSpan expiresIn, string? policyId = null, string? profileId = null, string keygenMode = "server", string status = "Active")
    {
        var id = Unique("mc");
        await Sql.ExecuteAsync(connectionString,
            """
            INSERT INTO managed_certificates (id, name, common_name, issuer_id, renewal_policy_id, certificate_profile_id, keygen_mode, status, expires_at)
            VALUES ($1, $1, $1 || '.example.com', $2, $3, $4, $5, $6, $7)
            """,
            id, Issuer, policyId, profileId, keygenMode, status, now + expiresIn);
        return id;
    }

    public async Task VersionAsync(string certificateId, TimeSpan issuedAgo, TimeSpan expiresIn)
    {
        var id = Unique("cv");
        await Sql.ExecuteAsync(connectionString,
            """
            INSERT INTO certificate_versions (id, certificate_id, issuer_id, serial_number, not_before, not_after, fingerprint_sha256, pem_chain)
            VALUES ($1, $2, $3, 'abc', $4, $5, $1, '-')
            """,
            id, certificateId, Issuer, now - issuedAgo, now + expiresIn);
    }

    public async Task<string> JobAsync(
        string certificateId, string status, int attempts = 0, int maxAttempts = 3, TimeSpan? updatedAgo = null, string type = "Renewal",
        DateTimeOffset? leaseExpiresAt = null, string? lastError = null)
    {
        var id = Unique("job");
        var updated = now - (updatedAgo ?? TimeSpan.Zero);
        await Sql.ExecuteAsync(connectionString,
            """
            INSERT INTO jobs (id, type, certificate_id, status, attempts, max_attempts, last_error, scheduled_at, next_attempt_at, lease_expires_at, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $8, $8)
            """,
            id, type, certificateId, status, attempts, maxAttempts, lastError, updated, leaseExpiresAt);
        return id;
    }

    public Task<string?> CertificateStatusAsync(string certificateId) =>
        Sql.ScalarAsync<string>(connectionString, "SELECT status FROM managed_certificates WHERE id = $1", certificateId);

    public async Task<Dictionary<string, object?>?> OnlyJobAsync(string certificateId)
    {
        var rows = await Sql.RowsAsync(connectionString, "SELECT * FROM jobs WHERE certificate_id = $1", certificateId);
        Assert.True(rows.Count <= 1, $"{certificateId} has {rows.Count} jobs");
        return rows.SingleOrDefault();
    }

    public async Task<Dictionary<string, object?>> JobRowAsync(string jobId) =>
        (await Sql.RowsAsync(connectionString, "SELECT * FROM jobs WHERE id = $1", jobId)).Single();
}
