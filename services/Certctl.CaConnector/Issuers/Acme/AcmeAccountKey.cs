using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Certctl.CaConnector.Issuers.Acme;

/// <summary>
/// An ACME account's ECDSA P-256 key and what is derived from it: the JWK (RFC 7517), its RFC 7638 thumbprint, key
/// authorizations (RFC 8555 §8.1), and ES256 flattened JWS requests (RFC 7515, RFC 8555 §6.2).
/// </summary>
public sealed class AcmeAccountKey : IDisposable
{
    private readonly ECDsa _key;

    private AcmeAccountKey(ECDsa key)
    {
        _key = key;
        var point = key.ExportParameters(false).Q;
        var x = Base64Url.EncodeToString(point.X);
        var y = Base64Url.EncodeToString(point.Y);
        Jwk = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["crv"] = "P-256", ["kty"] = "EC", ["x"] = x, ["y"] = y };
        // RFC 7638 §3: the required members only, in lexicographic order, no whitespace.
        Thumbprint = Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes($"{{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"{x}\",\"y\":\"{y}\"}}")));
    }

    /// <summary>The public key as a JWK.</summary>
    public IReadOnlyDictionary<string, string> Jwk { get; }

    /// <summary>The JWK's SHA-256 thumbprint, base64url.</summary>
    public string Thumbprint { get; }

    public static AcmeAccountKey Create() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>Loads a key stored as PKCS#8 DER.</summary>
    public static AcmeAccountKey FromPkcs8(ReadOnlySpan<byte> pkcs8)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportPkcs8PrivateKey(pkcs8, out _);
            if (key.KeySize != 256)
            {
                throw new CryptographicException("The stored ACME account key is not a P-256 key.");
            }

            return new AcmeAccountKey(key);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>The key as PKCS#8 DER, for storing encrypted; the caller zeroes it.</summary>
    public byte[] ExportPkcs8() => _key.ExportPkcs8PrivateKey();

    /// <summary><c>token.thumbprint</c>: what an http-01 responder serves.</summary>
    public string KeyAuthorization(string token) => $"{token}.{Thumbprint}";

    /// <summary>The dns-01 TXT value: base64url(SHA-256(key authorization)).</summary>
    public string Dns01Value(string token) => Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(KeyAuthorization(token))));

    /// <summary>
    /// A flattened JWS over <paramref name="payload"/> (null: the empty payload of POST-as-GET), identified by the account
    /// URL (<paramref name="kid"/>) or, before there is one, by the JWK.
    /// </summary>
    public byte[] Sign(string url, string nonce, string? kid, object? payload)
    {
        var header = new Dictionary<string, object> { ["alg"] = "ES256", ["nonce"] = nonce, ["url"] = url };
        if (kid is null)
        {
            header["jwk"] = Jwk;
        }
        else
        {
            header["kid"] = kid;
        }

        var protectedHeader = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(header));
        var encodedPayload = payload is null ? "" : Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(payload));
        // .NET signs ECDSA in the IEEE P1363 form (r ‖ s), which is what JWS ES256 wants (RFC 7518 §3.4).
        var signature = _key.SignData(Encoding.ASCII.GetBytes($"{protectedHeader}.{encodedPayload}"), HashAlgorithmName.SHA256);
        return JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
        {
            ["protected"] = protectedHeader,
            ["payload"] = encodedPayload,
            ["signature"] = Base64Url.EncodeToString(signature),
        });
    }

    /// <summary>
    /// The <c>externalAccountBinding</c> member of newAccount (RFC 8555 §7.3.4): this account's JWK signed with HS256
    /// under the CA-issued MAC key.
    /// </summary>
    public Dictionary<string, string> ExternalAccountBinding(string newAccountUrl, string eabKid, string eabHmacBase64Url)
    {
        var header = new Dictionary<string, string> { ["alg"] = "HS256", ["kid"] = eabKid, ["url"] = newAccountUrl };
        var protectedHeader = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(header));
        var payload = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(Jwk));
        var macKey = Base64Url.DecodeFromChars(eabHmacBase64Url.Trim());
        try
        {
            var mac = HMACSHA256.HashData(macKey, Encoding.ASCII.GetBytes($"{protectedHeader}.{payload}"));
            return new Dictionary<string, string> { ["protected"] = protectedHeader, ["payload"] = payload, ["signature"] = Base64Url.EncodeToString(mac) };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(macKey);
        }
    }

    public void Dispose() => _key.Dispose();
}
