using System.Security.Cryptography;
using System.Text.Json;
using Certctl.Acme.Http;
using Certctl.Acme.Jws;
using Certctl.Acme.Problems;
using Certctl.Secrets;
using Npgsql;

namespace Certctl.Acme.Accounts;

/// <summary>
/// Verifies a new-account <c>externalAccountBinding</c> (RFC 8555 §7.3.4): a flattened JWS MACed (HS256/384/512) with a key from
/// <c>acme_external_account_keys</c>, its <c>kid</c> the key id, its <c>url</c> the new-account URL, no nonce, and its payload the
/// account's own public key. A key binds one account, in the account's insert transaction (<see cref="BindAsync"/>).
/// </summary>
public sealed class ExternalAccountBindings(NpgsqlDataSource dataSource, ConfigurationCipher cipher)
{
    public async Task<(string? KeyId, AcmeProblem? Problem)> VerifyAsync(JsonElement binding, AcmeRequest request, CancellationToken cancellationToken)
    {
        if (!FlattenedJws.TryParse(binding, out var jws, out var shapeError))
        {
            return (null, AcmeProblems.Malformed($"externalAccountBinding: {shapeError}"));
        }

        var header = jws!.Header;
        if (header.Alg is not ("HS256" or "HS384" or "HS512"))
        {
            return (null, AcmeProblems.Malformed("externalAccountBinding alg must be HS256, HS384 or HS512"));
        }

        if (header.Kid is null || header.Jwk is not null || header.Nonce is not null)
        {
            return (null, AcmeProblems.Malformed("externalAccountBinding must have a kid and no jwk or nonce"));
        }

        if (!string.Equals(header.Url, request.Urls.RequestUrl, StringComparison.Ordinal))
        {
            return (null, AcmeProblems.Malformed("externalAccountBinding url is not the new-account URL"));
        }

        if (!BindsKey(jws.Payload, request.Key))
        {
            return (null, AcmeProblems.Malformed("externalAccountBinding payload must be the account's public key (the outer jwk)"));
        }

        var stored = await FindAsync(header.Kid, cancellationToken);
        if (stored is null || (stored.Value.ProfileId is { } only && only != request.Profile.Id))
        {
            return (null, AcmeProblems.Unauthorized("externalAccountBinding kid is not a key of this server for this profile"));
        }

        if (stored.Value.Bound)
        {
            return (null, AcmeProblems.Unauthorized("the external account binding key has already been used"));
        }

        var key = cipher.Decrypt(stored.Value.SealedKey, header.Kid);
        var input = jws.SigningInput();
        var expected = header.Alg switch
        {
            "HS256" => HMACSHA256.HashData(key, input),
            "HS384" => HMACSHA384.HashData(key, input),
            _ => HMACSHA512.HashData(key, input),
        };
        CryptographicOperations.ZeroMemory(key);
        return CryptographicOperations.FixedTimeEquals(expected, jws.Signature)
            ? (header.Kid, null)
            : (null, AcmeProblems.Unauthorized("externalAccountBinding MAC does not verify"));
    }

    /// <summary>Marks the key used by <paramref name="accountId"/>; false when another account took it first.</summary>
    public static async Task<bool> BindAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string keyId, string accountId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "UPDATE acme_external_account_keys SET account_id = $2, bound_at = now() WHERE id = $1 AND account_id IS NULL", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = keyId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = accountId });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private async Task<(string? ProfileId, byte[] SealedKey, bool Bound)?> FindAsync(string keyId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT profile_id, hmac_key, account_id IS NOT NULL FROM acme_external_account_keys WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = keyId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return (reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetFieldValue<byte[]>(1), reader.GetBoolean(2));
    }

    private static bool BindsKey(byte[] payload, Jwk accountKey)
    {
        try
        {
            using var document = JsonDocument.Parse(payload);
            return Jwk.TryParse(document.RootElement, out var bound, out _) && bound!.Thumbprint == accountKey.Thumbprint;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
