using Certctl.ServiceDefaults;
using Npgsql;
using NpgsqlTypes;

namespace Certctl.Acme.Nonces;

/// <summary>
/// Single use across replicas: a redeemed nonce's id is inserted into <c>acme_redeemed_nonces</c>, and a primary-key conflict means
/// it was redeemed before. Every JWS POST redeems one, so concurrent redemptions are group-committed: whatever arrives while one
/// insert runs goes out as the next single <c>unnest</c> insert. The scheduler's ACME clean-up deletes rows past their expiry.
/// </summary>
public sealed class NonceRedemptions : IAsyncDisposable
{
    private readonly NonceService _nonces;
    private readonly StatementBatcher<Redemption, bool> _batcher;

    public NonceRedemptions(NonceService nonces, NpgsqlDataSource dataSource)
    {
        _nonces = nonces;
        _batcher = new StatementBatcher<Redemption, bool>(
            "acme redeem nonces", (batch, cancellationToken) => InsertAsync(dataSource, batch, cancellationToken), redemption => redemption.Id, maxBatch: 500);
    }

    /// <summary>Opens and redeems <paramref name="nonce"/>: <see cref="NonceVerdict.Redeemable"/> exactly once per nonce.</summary>
    public async ValueTask<NonceVerdict> RedeemAsync(string? nonce, CancellationToken cancellationToken)
    {
        var check = _nonces.Open(nonce);
        if (check.Verdict != NonceVerdict.Redeemable)
        {
            return check.Verdict;
        }

        var first = await _batcher.RunAsync(new Redemption(check.Id, check.ExpiresAt), cancellationToken);
        return first ? NonceVerdict.Redeemable : NonceVerdict.Replayed;
    }

    public ValueTask DisposeAsync() => _batcher.DisposeAsync();

    private static async Task<IReadOnlyList<bool>> InsertAsync(NpgsqlDataSource dataSource, IReadOnlyList<Redemption> batch, CancellationToken cancellationToken)
    {
        var ids = new byte[batch.Count][];
        var expires = new DateTime[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            ids[i] = batch[i].Id.ToByteArray();
            expires[i] = batch[i].ExpiresAt.UtcDateTime;
        }

        await using var command = dataSource.CreateCommand("""
            INSERT INTO acme_redeemed_nonces (nonce_id, expires_at)
            SELECT * FROM unnest($1::bytea[], $2::timestamptz[])
            ON CONFLICT (nonce_id) DO NOTHING
            RETURNING nonce_id
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = ids, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        command.Parameters.Add(new NpgsqlParameter { Value = expires, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        var inserted = new HashSet<Guid>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                inserted.Add(new Guid(reader.GetFieldValue<byte[]>(0)));
            }
        }

        return [.. batch.Select(redemption => inserted.Contains(redemption.Id))];
    }

    private readonly record struct Redemption(Guid Id, DateTimeOffset ExpiresAt);
}
