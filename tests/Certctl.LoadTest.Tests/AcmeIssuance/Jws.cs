using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Certctl.LoadTest.Tests.AcmeIssuance;

/// <summary>Reads and verifies a flattened ES256 JWS the way an ACME server does, for the tests' fake server.</summary>
internal sealed record Jws(JsonElement Header, string Payload, bool Verified)
{
    /// <summary>The protected header alone, to find the key (jwk or kid) to verify with.</summary>
    public static JsonElement ReadHeader(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        return JsonDocument.Parse(Base64Url.DecodeFromChars(document.RootElement.GetProperty("protected").GetString())).RootElement.Clone();
    }

    /// <summary>Parses <paramref name="body"/>; verifies with the header's jwk, or with <paramref name="accountKey"/> for a kid.</summary>
    public static Jws Read(byte[] body, JsonElement? accountKey = null)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        var protectedText = root.GetProperty("protected").GetString()!;
        var payloadText = root.GetProperty("payload").GetString()!;
        var header = JsonDocument.Parse(Base64Url.DecodeFromChars(protectedText)).RootElement.Clone();
        var jwk = header.TryGetProperty("jwk", out var inline) ? inline : accountKey ?? throw new InvalidOperationException("no key to verify with");
        using var key = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = Base64Url.DecodeFromChars(jwk.GetProperty("x").GetString()), Y = Base64Url.DecodeFromChars(jwk.GetProperty("y").GetString()) },
        });
        var verified = key.VerifyData(
            Encoding.ASCII.GetBytes(protectedText + "." + payloadText), Base64Url.DecodeFromChars(root.GetProperty("signature").GetString()),
            HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        var payload = payloadText.Length == 0 ? string.Empty : Encoding.UTF8.GetString(Base64Url.DecodeFromChars(payloadText));
        return new Jws(header, payload, verified);
    }
}
