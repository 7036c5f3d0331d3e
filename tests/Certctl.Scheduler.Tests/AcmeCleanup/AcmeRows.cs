namespace Certctl.Scheduler.Tests.AcmeCleanup;

/// <summary>Arranges ACME accounts, orders, authorizations, redeemed nonces and rate-limit rows.</summary>
internal sealed class AcmeRows(string connectionString, DateTimeOffset now)
{
    public async Task<string> AccountAsync()
    {
        var id = Rows.Unique("acct");
        await Sql.ExecuteAsync(connectionString,
            "INSERT INTO acme_accounts (id, profile_id, jwk, jwk_thumbprint) VALUES ($1, 'prof-standard-tls', '{\"kty\":\"EC\"}'::jsonb, $1)", id);
        return id;
    }

    public async Task<string> OrderAsync(string account, string status, TimeSpan expiresIn)
    {
        var id = Rows.Unique("ord");
        await Sql.ExecuteAsync(connectionString,
            """
            INSERT INTO acme_orders (id, account_id, profile_id, status, identifiers, expires_at)
            VALUES ($1, $2, 'prof-standard-tls', $3, '[{"type":"dns","value":"a.example.com"}]'::jsonb, $4)
            """,
            id, account, status, now + expiresIn);
        return id;
    }

    public async Task<string> AuthorizationAsync(string order, string account, string status, TimeSpan expiresIn)
    {
        var id = Rows.Unique("authz");
        await Sql.ExecuteAsync(connectionString,
            """
            INSERT INTO acme_authorizations (id, order_id, account_id, identifier_type, identifier_value, status, expires_at)
            VALUES ($1, $2, $3, 'dns', 'a.example.com', $4, $5)
            """,
            id, order, account, status, now + expiresIn);
        return id;
    }

    public async Task<byte[]> NonceAsync(TimeSpan expiresIn)
    {
        var id = Guid.NewGuid().ToByteArray();
        await Sql.ExecuteAsync(connectionString, "INSERT INTO acme_redeemed_nonces (nonce_id, expires_at) VALUES ($1, $2)", id, now + expiresIn);
        return id;
    }

    public async Task<string> RateLimitAsync(TimeSpan arrivalIn)
    {
        var key = Rows.Unique("orders|acct");
        await Sql.ExecuteAsync(connectionString, "INSERT INTO acme_rate_limits (key, theoretical_arrival_at) VALUES ($1, $2)", key, now + arrivalIn);
        return key;
    }

    public Task<string?> StatusAsync(string table, string id) =>
        Sql.ScalarAsync<string>(connectionString, $"SELECT status FROM {table} WHERE id = $1", id);
}
