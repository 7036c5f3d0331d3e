using Certctl.Issuance;
using Npgsql;
using NpgsqlTypes;

namespace Certctl.CaConnector.Issuers;

/// <summary>Keeps each local CA issuer's root in <c>issuer_ca_keys</c>: inserted once, never overwritten.</summary>
public sealed class PostgresCaKeyStore(NpgsqlDataSource db) : ICaKeyStore
{
    public async Task<StoredCaKey?> FindAsync(string issuerId, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("SELECT certificate_pem, encrypted_private_key FROM issuer_ca_keys WHERE issuer_id = @issuer_id");
        command.Parameters.Add(new NpgsqlParameter<string>("issuer_id", issuerId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new StoredCaKey(reader.GetString(0), reader.GetFieldValue<byte[]>(1))
            : null;
    }

    public async Task<bool> TryAddAsync(string issuerId, StoredCaKey key, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            INSERT INTO issuer_ca_keys (issuer_id, certificate_pem, encrypted_private_key)
            VALUES (@issuer_id, @certificate_pem, @encrypted_private_key)
            ON CONFLICT (issuer_id) DO NOTHING
            """);
        command.Parameters.Add(new NpgsqlParameter<string>("issuer_id", issuerId));
        command.Parameters.Add(new NpgsqlParameter<string>("certificate_pem", key.CertificatePem));
        command.Parameters.Add(new NpgsqlParameter<byte[]>("encrypted_private_key", NpgsqlDbType.Bytea) { TypedValue = key.EncryptedPrivateKey });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }
}
