using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Certctl.LoadTest.AcmeIssuance;

/// <summary>
/// One virtual client's ACME account key (ES256, P-256) and the RFC 8555 §6.2 flattened JWS it signs requests with: the key
/// goes in as <c>jwk</c> until the account exists, then the account URL as <c>kid</c>.
/// </summary>
public sealed class AcmeSigner : IDisposable
{
    public const string Algorithm = "ES256";

    private readonly ECDsa key;

    public AcmeSigner()
        : this(ECDsa.Create(ECCurve.NamedCurves.nistP256))
    {
    }

    /// <summary>Signs with <paramref name="key"/>, which must be on P-256; the signer owns it from now on.</summary>
    public AcmeSigner(ECDsa key)
    {
        if (key.KeySize != 256)
        {
            throw new ArgumentException("ES256 needs a P-256 key.", nameof(key));
        }

        this.key = key;
        var point = key.ExportParameters(false).Q;
        Jwk = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["crv"] = "P-256", ["kty"] = "EC", ["x"] = B64(point.X!), ["y"] = B64(point.Y!),
        };
    }

    /// <summary>The public key as a JWK (RFC 7518 §6.2), members in lexical order.</summary>
    public IReadOnlyDictionary<string, string> Jwk { get; }

    /// <summary>
    /// The flattened JWS JSON for a POST to <paramref name="url"/>. <paramref name="kid"/> null: the key goes in as <c>jwk</c>
    /// (new-account). <paramref name="payloadJson"/> null: an empty payload (POST-as-GET, RFC 8555 §6.3).
    /// </summary>
    public byte[] Sign(string url, string nonce, string? kid, string? payloadJson)
    {
        var header = new Dictionary<string, object>(StringComparer.Ordinal) { ["alg"] = Algorithm, ["nonce"] = nonce, ["url"] = url };
        if (kid is null)
        {
            header["jwk"] = Jwk;
        }
        else
        {
            header["kid"] = kid;
        }

        var protectedHeader = B64(JsonSerializer.SerializeToUtf8Bytes(header));
        var payload = payloadJson is null ? string.Empty : B64(Encoding.UTF8.GetBytes(payloadJson));
        // JWS wants r||s (IEEE P1363), not the DER .NET produces by default.
        var signature = key.SignData(Encoding.ASCII.GetBytes(protectedHeader + "." + payload), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["protected"] = protectedHeader, ["payload"] = payload, ["signature"] = B64(signature),
        });
    }

    public void Dispose() => key.Dispose();

    /// <summary>Unpadded base64url (RFC 7515 §2).</summary>
    public static string B64(ReadOnlySpan<byte> bytes) => Base64Url.EncodeToString(bytes);
}
