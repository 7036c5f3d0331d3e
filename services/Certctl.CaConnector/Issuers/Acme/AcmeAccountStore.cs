using System.Security.Cryptography;
using Certctl.Secrets;
using Npgsql;
using NpgsqlTypes;

namespace Certctl.CaConnector.Issuers.Acme;

/// <summary>
/// One ACME account key per issuer in <c>acme_issuer_accounts</c>, sealed by <see cref="ConfigurationCipher"/> bound to the
/// issuer id, and the account URL it is registered under. Replicas racing on first use all end up with the first key stored.
/// </summary>
public sealed class AcmeAccountStore(NpgsqlDataSource db, ConfigurationCipher cipher, TimeProvider time)
{
    /// <summary>The issuer's stored key, or a new one inserted now (unless another replica inserted first: then that one).</summary>
    /// <exception cref="CryptographicException">The stored key does not decrypt (another encryption key, or an altered row).</exception>
    public async Task<StoredAcmeAccount> LoadOrCreateAsync(string issuerId, CancellationToken cancellationToken)
    {
        if (await FindAsync(issuerId, cancellationToken) is { } stored)
        {
            return stored;
        }

        using (var fresh = AcmeAccountKey.Create())
        {
            var pkcs8 = fresh.ExportPkcs8();
            try
            {
                await using var insert = db.CreateCommand("""
                    INSERT INTO acme_issuer_accounts (issuer_id, encrypted_account_key, created_at, updated_at)
                    VALUES (@issuer_id, @key, @now, @now)
                    ON CONFLICT (issuer_id) DO NOTHING
                    """);
                insert.Parameters.Add(new NpgsqlParameter<string>("issuer_id", issuerId));
                insert.Parameters.Add(new NpgsqlParameter<byte[]>("key", NpgsqlDbType.Bytea) { TypedValue = cipher.Encrypt(pkcs8, issuerId) });
                insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", time.GetUtcNow()));
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(pkcs8);
            }
        }

        // Read back rather than use the key made here: when another replica won the insert, its key is the account.
        return await FindAsync(issuerId, cancellationToken)
            ?? throw new InvalidOperationException($"The ACME account row of issuer '{issuerId}' vanished right after its insert.");
    }

    /// <summary>Records where the key is registered, for <paramref name="directoryUrl"/>.</summary>
    public async Task SaveAccountUrlAsync(string issuerId, string directoryUrl, string accountUrl, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            UPDATE acme_issuer_accounts SET directory_url = @directory_url, account_url = @account_url, updated_at = @now WHERE issuer_id = @issuer_id
            """);
        command.Parameters.Add(new NpgsqlParameter<string>("issuer_id", issuerId));
        command.Parameters.Add(new NpgsqlParameter<string>("directory_url", directoryUrl));
        command.Parameters.Add(new NpgsqlParameter<string>("account_url", accountUrl));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", time.GetUtcNow()));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<StoredAcmeAccount?> FindAsync(string issuerId, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("SELECT encrypted_account_key, directory_url, account_url FROM acme_issuer_accounts WHERE issuer_id = @issuer_id");
        command.Parameters.Add(new NpgsqlParameter<string>("issuer_id", issuerId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var pkcs8 = cipher.Decrypt(reader.GetFieldValue<byte[]>(0), issuerId);
        try
        {
            return new StoredAcmeAccount(AcmeAccountKey.FromPkcs8(pkcs8), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }
}

/// <summary>An issuer's account key and, once registered, the directory and account URL it is registered under.</summary>
public sealed record StoredAcmeAccount(AcmeAccountKey Key, string? DirectoryUrl, string? AccountUrl);
