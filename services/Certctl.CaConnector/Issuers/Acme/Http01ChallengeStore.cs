using Npgsql;

namespace Certctl.CaConnector.Issuers.Acme;

/// <summary>
/// Pending http-01 key authorizations in <c>acme_http01_challenges</c>: written by the replica that answers a challenge,
/// read by whichever replica the CA's validation request reaches.
/// </summary>
public sealed class Http01ChallengeStore(NpgsqlDataSource db, TimeProvider time)
{
    /// <summary>How long an answer is served when nobody removes it (its replica died mid-order).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);

    public async Task PresentAsync(string issuerId, string token, string keyAuthorization, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        // The clean-up of expired rows rides on the write: the table holds only orders in flight, so it stays tiny.
        await using var command = db.CreateCommand("""
            DELETE FROM acme_http01_challenges WHERE expires_at < @now;
            INSERT INTO acme_http01_challenges (token, key_authorization, issuer_id, expires_at)
            VALUES (@token, @key_authorization, @issuer_id, @expires_at)
            ON CONFLICT (token) DO UPDATE SET key_authorization = EXCLUDED.key_authorization, issuer_id = EXCLUDED.issuer_id, expires_at = EXCLUDED.expires_at
            """);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
        command.Parameters.Add(new NpgsqlParameter<string>("token", token));
        command.Parameters.Add(new NpgsqlParameter<string>("key_authorization", keyAuthorization));
        command.Parameters.Add(new NpgsqlParameter<string>("issuer_id", issuerId));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("expires_at", now + Lifetime));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The key authorization for <paramref name="token"/>, or null when none is pending.</summary>
    public async Task<string?> FindAsync(string token, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("SELECT key_authorization FROM acme_http01_challenges WHERE token = @token AND expires_at >= @now");
        command.Parameters.Add(new NpgsqlParameter<string>("token", token));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", time.GetUtcNow()));
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    public async Task RemoveAsync(string token, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("DELETE FROM acme_http01_challenges WHERE token = @token");
        command.Parameters.Add(new NpgsqlParameter<string>("token", token));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
