using System.Buffers.Text;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Certctl.Acme.Jws;

namespace Certctl.Acme.Revocation;

/// <summary>The RFC 7638 thumbprint of a certificate's public key, to compare with the <c>jwk</c> that signed a revocation.</summary>
public static class CertificateKeyThumbprint
{
    private const string Ed25519Oid = "1.3.101.112";

    /// <summary>Null for a key no JWK of this server can be (e.g. RSA under 2048 bits, P-521).</summary>
    public static string? Of(X509Certificate2 certificate)
    {
        var jwk = ToJwk(certificate);
        if (jwk is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(JsonSerializer.Serialize(jwk));
        return Jwk.TryParse(document.RootElement, out var parsed, out _) ? parsed!.Thumbprint : null;
    }

    private static Dictionary<string, string>? ToJwk(X509Certificate2 certificate)
    {
        if (certificate.GetECDsaPublicKey() is { } ec)
        {
            using (ec)
            {
                var parameters = ec.ExportParameters(false);
                var curve = parameters.Curve.Oid.FriendlyName switch
                {
                    "nistP256" or "ECDSA_P256" => "P-256",
                    "nistP384" or "ECDSA_P384" => "P-384",
                    _ => null,
                };
                return curve is null ? null : new()
                {
                    ["kty"] = "EC", ["crv"] = curve,
                    ["x"] = Base64Url.EncodeToString(parameters.Q.X), ["y"] = Base64Url.EncodeToString(parameters.Q.Y),
                };
            }
        }

        if (certificate.GetRSAPublicKey() is { } rsa)
        {
            using (rsa)
            {
                var parameters = rsa.ExportParameters(false);
                return new() { ["kty"] = "RSA", ["n"] = Base64Url.EncodeToString(parameters.Modulus), ["e"] = Base64Url.EncodeToString(parameters.Exponent) };
            }
        }

        if (certificate.PublicKey.Oid.Value == Ed25519Oid)
        {
            // .NET has no Ed25519 type; the SubjectPublicKeyInfo's BIT STRING is the raw 32-byte key (RFC 8410 §4).
            var key = new AsnReader(certificate.PublicKey.ExportSubjectPublicKeyInfo(), AsnEncodingRules.DER).ReadSequence();
            key.ReadSequence();
            var raw = key.ReadBitString(out _);
            return new() { ["kty"] = "OKP", ["crv"] = "Ed25519", ["x"] = Base64Url.EncodeToString(raw) };
        }

        return null;
    }
}
