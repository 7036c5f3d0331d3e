using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Certctl.Acme.Http;
using Certctl.Acme.Jws;
using Certctl.Acme.Problems;
using Npgsql;

namespace Certctl.Acme.Accounts;

/// <summary>
/// <c>POST …/key-change</c> (RFC 8555 §7.3.5): the outer JWS is signed by the account's current key (kid), its payload is an inner
/// JWS signed by the new key (jwk, no nonce, same url) whose payload names the account and its old key. The account keeps its id and
/// URL; only the key is swapped, and only if nobody rotated it meanwhile.
/// </summary>
public sealed class KeyChange(NpgsqlDataSource dataSource, AccountStore accounts)
{
    public async Task<AcmeResponse> HandleAsync(AcmeRequest request, CancellationToken cancellationToken)
    {
        var account = request.RequiredAccount;
        if (request.Payload is not { } payload)
        {
            return AcmeProblems.Malformed("key-change payload must be a flattened JWS signed by the new key");
        }

        if (!FlattenedJws.TryParse(payload, out var inner, out var shapeError))
        {
            return AcmeProblems.Malformed($"key-change inner JWS: {shapeError}");
        }

        var header = inner!.Header;
        if (!JwsAlgorithms.IsAllowed(header.Alg))
        {
            return new AcmeProblem(AcmeProblemTypes.BadSignatureAlgorithm, $"inner JWS alg '{header.Alg}' is not accepted", StatusCodes.Status400BadRequest)
            {
                Algorithms = JwsAlgorithms.Allowed,
            };
        }

        if (header.Kid is not null || header.Jwk is null)
        {
            return AcmeProblems.Malformed("inner JWS must carry the new key as jwk and no kid");
        }

        if (header.Nonce is not null)
        {
            return AcmeProblems.Malformed("inner JWS must not carry a nonce");
        }

        if (!string.Equals(header.Url, request.Urls.RequestUrl, StringComparison.Ordinal))
        {
            return AcmeProblems.Unauthorized("inner JWS url is not the key-change URL");
        }

        if (!Jwk.TryParse(header.Jwk.Value, out var newKey, out var keyError) || !newKey!.Fits(header.Alg!))
        {
            return new AcmeProblem(AcmeProblemTypes.BadPublicKey, keyError ?? $"new key cannot sign {header.Alg}", StatusCodes.Status400BadRequest);
        }

        if (!newKey.Verify(header.Alg!, inner.SigningInput(), inner.Signature))
        {
            return AcmeProblems.Unauthorized("key rollover proof failed: the inner signature does not verify with the new key");
        }

        var proof = ReadProof(inner.Payload);
        if (proof is null)
        {
            return AcmeProblems.Malformed("inner JWS payload must be {\"account\": <account URL>, \"oldKey\": <JWK>}");
        }

        if (proof.Value.Account != request.Urls.Account(account.Id))
        {
            return AcmeProblems.Malformed("inner JWS payload account is not the URL of the signing account");
        }

        if (!Jwk.TryParse(proof.Value.OldKey, out var oldKey, out _)
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(oldKey!.Thumbprint), Encoding.ASCII.GetBytes(account.Key.Thumbprint)))
        {
            return AcmeProblems.Unauthorized("key rollover proof failed: oldKey is not the account's current key");
        }

        var holder = await accounts.FindByThumbprintAsync(account.ProfileId, newKey.Thumbprint, cancellationToken);
        if (holder is not null)
        {
            return Conflict(request, holder.Id);
        }

        return await SwapAsync(request, account, newKey, cancellationToken);
    }

    private async Task<AcmeResponse> SwapAsync(AcmeRequest request, AcmeAccount account, Jwk newKey, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var update = new NpgsqlCommand("""
            UPDATE acme_accounts SET jwk = $3, jwk_thumbprint = $4, updated_at = now()
             WHERE id = $1 AND jwk_thumbprint = $2 AND status = 'valid'
            RETURNING id, profile_id, jwk::text, contact, status, created_at, eab_kid
            """, connection, transaction);
        update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = account.Id });
        update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = account.Key.Thumbprint });
        update.Parameters.Add(AccountStore.Json(newKey.CanonicalJson));
        update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = newKey.Thumbprint });
        AcmeAccount? updated;
        try
        {
            updated = await AccountStore.ReadOneAsync(update, cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // Another account took the new key between the check and the swap.
            await transaction.RollbackAsync(CancellationToken.None);
            var holder = await accounts.FindByThumbprintAsync(account.ProfileId, newKey.Thumbprint, cancellationToken);
            return Conflict(request, holder?.Id);
        }

        if (updated is null)
        {
            return AcmeProblems.Unauthorized("the account key was rotated or the account deactivated concurrently; retry", StatusCodes.Status409Conflict);
        }

        await AcmeAudit.WriteAsync(connection, transaction, account.Id, "acme_account_key_rolled", "acme_account", account.Id,
            new { profileId = account.ProfileId, oldThumbprint = account.Key.Thumbprint, newThumbprint = newKey.Thumbprint }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        accounts.Changed(account.Id);
        AcmeMetrics.Accounts.Add(1, new KeyValuePair<string, object?>("event", "key_changed"));
        return AcmeResponse.Ok(AccountDocument.From(updated, request.Urls));
    }

    // RFC 8555 §7.3.5: 409 with the Location of the account that already uses the new key.
    private static AcmeResponse Conflict(AcmeRequest request, string? holderId) =>
        AcmeResponse.FromProblem(AcmeProblems.Unauthorized("the new key is already in use by an account", StatusCodes.Status409Conflict)) with
        {
            Location = holderId is null ? null : request.Urls.Account(holderId),
        };

    private static (string Account, JsonElement OldKey)? ReadProof(byte[] payload)
    {
        try
        {
            using var document = JsonDocument.Parse(payload);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("account", out var accountUrl) && accountUrl.ValueKind == JsonValueKind.String
                && root.TryGetProperty("oldKey", out var oldKey) && oldKey.ValueKind == JsonValueKind.Object)
            {
                return (accountUrl.GetString()!, oldKey.Clone());
            }

            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
