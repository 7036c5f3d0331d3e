using Certctl.Issuance;
using Npgsql;
using NpgsqlTypes;

namespace Certctl.CaConnector.Ocsp;

/// <summary>Keeps each local CA issuer's OCSP responder in <c>ocsp_responders</c>, its key encrypted like the CA keys.</summary>
public sealed class OcspResponderStore(NpgsqlDataSource db)
{
    /// <summary>The stored responder and its expiry (the optimistic-concurrency token for replacing it), or null.</summary>
    public async Task<(StoredCaKey Key, DateTimeOffset NotAfter)?> FindAsync(string issuerId, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("SELECT certificate_pem, encrypted_private_key, not_after FROM ocsp_responders WHERE issuer_id = @issuer_id");
        command.Parameters.Add(new NpgsqlParameter<string>("issuer_id", issuerId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? (new StoredCaKey(reader.GetString(0), reader.GetFieldValue<byte[]>(1)), reader.GetFieldValue<DateTimeOffset>(2))
            : null;
    }

    /// <summary>
    /// Stores <paramref name="responder"/> when the issuer has none (<paramref name="replacing"/> null) or still has the one that
    /// expires at <paramref name="replacing"/>; false when another replica stored one first (use that one).
    /// </summary>
    public async Task<bool> TryStoreAsync(string issuerId, StoredCaKey responder, DateTimeOffset notBefore, DateTimeOffset notAfter, DateTimeOffset? replacing, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand(replacing is null
            ? """
              INSERT INTO ocsp_responders (issuer_id, certificate_pem, encrypted_private_key, not_before, not_after)
              VALUES (@issuer_id, @certificate_pem, @encrypted_private_key, @not_before, @not_after)
              ON CONFLICT (issuer_id) DO NOTHING
              """
            : """
              UPDATE ocsp_responders SET certificate_pem = @certificate_pem, encrypted_private_key = @encrypted_private_key,
                  not_before = @not_before, not_after = @not_after, created_at = now()
              WHERE issuer_id = @issuer_id AND not_after = @replacing
              """);
        command.Parameters.Add(new NpgsqlParameter<string>("issuer_id", issuerId));
        command.Parameters.Add(new NpgsqlParameter<string>("certificate_pem", responder.CertificatePem));
        command.Parameters.Add(new NpgsqlParameter<byte[]>("encrypted_private_key", NpgsqlDbType.Bytea) { TypedValue = responder.EncryptedPrivateKey });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("not_before", notBefore));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("not_after", notAfter));
        if (replacing is { } expected)
        {
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("replacing", expected));
        }

        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }
}
