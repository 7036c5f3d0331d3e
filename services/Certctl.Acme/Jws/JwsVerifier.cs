using System.Buffers;
using System.Text.Json;
using Certctl.Acme.Accounts;
using Certctl.Acme.Http;
using Certctl.Acme.Nonces;
using Certctl.Acme.Problems;
using Microsoft.Extensions.Options;

namespace Certctl.Acme.Jws;

/// <summary>
/// The one JWS request-verification pipeline (RFC 8555 §6.2–6.5), in a fixed order, each refusal counted by reason:
/// <list type="number">
/// <item>content type <c>application/jose+json</c> → 415 <c>malformed</c>;</item>
/// <item>size cap → 413 <c>malformed</c>;</item>
/// <item>flattened JWS JSON with a protected header → 400 <c>malformed</c>;</item>
/// <item>algorithm allow-list → 400 <c>badSignatureAlgorithm</c> with <c>algorithms</c>;</item>
/// <item>exactly one of <c>jwk</c>/<c>kid</c>, the one the endpoint takes → 400 <c>malformed</c>;</item>
/// <item><c>url</c> equal to the request URL → 401 <c>unauthorized</c>;</item>
/// <item>nonce redeemed once → 400 <c>badNonce</c> (burnt even when a later step fails);</item>
/// <item>the key: <c>kid</c> names a valid account of this profile (400 <c>accountDoesNotExist</c>, 401 <c>unauthorized</c> when not
/// valid), or <c>jwk</c> is a usable key for <c>alg</c> (400 <c>badPublicKey</c>);</item>
/// <item>signature → 401 <c>unauthorized</c>;</item>
/// <item>payload: empty (POST-as-GET) or a JSON object → 400 <c>malformed</c>.</item>
/// </list>
/// </summary>
public sealed class JwsVerifier(NonceRedemptions nonces, AccountStore accounts, IOptions<AcmeServerOptions> options)
{
    /// <summary>The media type RFC 8555 §6.2 requires of JWS requests.</summary>
    public const string JoseJson = "application/jose+json";

    public async Task<JwsVerification> VerifyAsync(
        HttpRequest request, AcmeProfile profile, AcmeUrls urls, AcmeAuth auth, CancellationToken cancellationToken)
    {
        if (!IsJoseJson(request.ContentType))
        {
            return Fail("content_type", AcmeProblems.Malformed($"Content-Type must be {JoseJson}", StatusCodes.Status415UnsupportedMediaType));
        }

        var maxBytes = options.Value.MaxJwsBytes;
        var body = await ReadBodyAsync(request, maxBytes, cancellationToken);
        if (body is null)
        {
            return Fail("too_large", AcmeProblems.Malformed($"JWS request body is larger than {maxBytes} bytes", StatusCodes.Status413PayloadTooLarge));
        }

        if (!FlattenedJws.TryParse(body, out var jws, out var shapeError))
        {
            return Fail("malformed_jws", AcmeProblems.Malformed(shapeError!));
        }

        var header = jws!.Header;
        if (!JwsAlgorithms.IsAllowed(header.Alg))
        {
            return Fail("bad_algorithm", new AcmeProblem(AcmeProblemTypes.BadSignatureAlgorithm,
                $"JWS alg '{header.Alg}' is not accepted; use one of {string.Join(", ", JwsAlgorithms.Allowed)}", StatusCodes.Status400BadRequest)
            {
                Algorithms = JwsAlgorithms.Allowed,
            });
        }

        var hasKid = header.Kid is not null;
        var hasJwk = header.Jwk is not null;
        if (hasKid == hasJwk)
        {
            return Fail("key_reference", AcmeProblems.Malformed("JWS protected header must have exactly one of jwk and kid"));
        }

        if (auth == AcmeAuth.Kid && !hasKid)
        {
            return Fail("key_reference", AcmeProblems.Malformed("this resource requires a kid (account URL), not a jwk"));
        }

        if (auth == AcmeAuth.Jwk && !hasJwk)
        {
            return Fail("key_reference", AcmeProblems.Malformed("this resource requires a jwk, not a kid"));
        }

        if (!string.Equals(header.Url, urls.RequestUrl, StringComparison.Ordinal))
        {
            return Fail("url_mismatch", AcmeProblems.Unauthorized($"JWS url '{header.Url}' is not the request URL '{urls.RequestUrl}'"));
        }

        if (header.Nonce is null)
        {
            return Fail("nonce_missing", AcmeProblems.BadNonce("JWS has no nonce"));
        }

        // The account read and the nonce insert are independent round trips: run them together, report in pipeline order.
        var accountId = hasKid ? AccountIdFromKid(header.Kid!, urls) : null;
        var lookup = accountId is null ? null : accounts.FindAsync(profile.Id, accountId, cancellationToken);
        NonceVerdict verdict;
        try
        {
            verdict = await nonces.RedeemAsync(header.Nonce, cancellationToken);
        }
        catch
        {
            await ObserveAsync(lookup);
            throw;
        }

        if (verdict != NonceVerdict.Redeemable)
        {
            await ObserveAsync(lookup);
            return Fail("nonce_" + verdict.ToString().ToLowerInvariant(), AcmeProblems.BadNonce(verdict switch
            {
                NonceVerdict.Stale => "nonce has expired; get a fresh one from newNonce",
                NonceVerdict.Replayed => "nonce was already used",
                _ => "nonce was not issued by this server",
            }));
        }

        AcmeAccount? account = null;
        Jwk key;
        if (hasKid)
        {
            account = lookup is null ? null : await lookup;
            if (account is null)
            {
                return Fail("unknown_account", AcmeProblems.AccountDoesNotExist("kid does not name an account of this profile"));
            }

            if (!account.IsValid)
            {
                return Fail("account_not_valid", AcmeProblems.Unauthorized($"account is {account.Status}"));
            }

            key = account.Key;
        }
        else
        {
            if (!Jwk.TryParse(header.Jwk!.Value, out var embedded, out var keyError))
            {
                return Fail("bad_jwk", new AcmeProblem(AcmeProblemTypes.BadPublicKey, keyError!, StatusCodes.Status400BadRequest));
            }

            if (!embedded!.Fits(header.Alg!))
            {
                return Fail("bad_jwk", new AcmeProblem(AcmeProblemTypes.BadPublicKey, $"jwk of type {embedded.KeyType} cannot sign {header.Alg}", StatusCodes.Status400BadRequest));
            }

            key = embedded;
        }

        if (!key.Verify(header.Alg!, jws.SigningInput(), jws.Signature))
        {
            return Fail("bad_signature", AcmeProblems.Unauthorized("JWS signature does not verify"));
        }

        JsonElement? payload = null;
        if (jws.Payload.Length > 0)
        {
            try
            {
                using var document = JsonDocument.Parse(jws.Payload);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    return Fail("bad_payload", AcmeProblems.Malformed("JWS payload must be a JSON object, or empty for POST-as-GET"));
                }

                payload = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                return Fail("bad_payload", AcmeProblems.Malformed("JWS payload is not JSON"));
            }
        }

        return JwsVerification.Verified(jws, account, key, payload);
    }

    /// <summary>The account id of a kid under this profile's account prefix; null when the kid is anything else.</summary>
    public static string? AccountIdFromKid(string kid, AcmeUrls urls)
    {
        if (!kid.StartsWith(urls.AccountPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var id = kid[urls.AccountPrefix.Length..];
        return id.Length == 0 || id.Contains('/') ? null : id;
    }

    private static JwsVerification Fail(string reason, AcmeProblem problem) => JwsVerification.Failed(JwsRejection.Reject(reason, problem));

    private static bool IsJoseJson(string? contentType) =>
        contentType is not null
        && Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && parsed.MediaType.Equals(JoseJson, StringComparison.OrdinalIgnoreCase);

    private static async Task ObserveAsync(Task<AcmeAccount?>? lookup)
    {
        if (lookup is null)
        {
            return;
        }

        try
        {
            await lookup;
        }
        catch (Exception) when (!lookup.IsCompletedSuccessfully)
        {
            // The request is already refused; a failed read of an account it will not use changes nothing.
        }
    }

    /// <summary>The body, or null when it is longer than <paramref name="maxBytes"/> (refused before it is all read).</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return null;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(maxBytes + 1);
        try
        {
            var total = 0;
            int read;
            while ((read = await request.Body.ReadAsync(buffer.AsMemory(total, maxBytes + 1 - total), cancellationToken)) > 0)
            {
                total += read;
                if (total > maxBytes)
                {
                    return null;
                }
            }

            return buffer.AsSpan(0, total).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
