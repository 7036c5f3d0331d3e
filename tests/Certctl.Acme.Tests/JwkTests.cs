using System.Security.Cryptography;
using System.Text.Json;
using Certctl.Acme.Jws;

namespace Certctl.Acme.Tests;

/// <summary>Which public keys the server accepts, and that the RFC 7638 thumbprint depends on the key alone.</summary>
public sealed class JwkTests
{
    [Fact]
    public void The_thumbprint_ignores_member_order_and_optional_members()
    {
        var key = TestKey.Create("ES256").Jwk;
        var plain = Parse(JsonSerializer.Serialize(key));
        var decorated = Parse(JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["y"] = key["y"], ["use"] = "sig", ["x"] = key["x"], ["kid"] = "k1", ["crv"] = "P-256", ["kty"] = "EC", ["alg"] = "ES256",
        }));

        Assert.Equal(plain.Thumbprint, decorated.Thumbprint);
        Assert.Equal($"{{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"{key["x"]}\",\"y\":\"{key["y"]}\"}}", plain.CanonicalJson);
    }

    [Fact]
    public void A_small_rsa_key_a_point_off_the_curve_private_material_and_padded_base64_are_refused()
    {
        using var small = RSA.Create(1024);
        var smallParameters = small.ExportParameters(false);
        Refused($"{{\"kty\":\"RSA\",\"n\":\"{TestKey.B64(smallParameters.Modulus!)}\",\"e\":\"{TestKey.B64(smallParameters.Exponent!)}\"}}");

        var key = TestKey.Create("ES256").Jwk;
        var y = Convert.FromBase64String(Pad(key["y"].Replace('-', '+').Replace('_', '/')));
        y[^1] ^= 0x01;
        Refused($"{{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"{key["x"]}\",\"y\":\"{TestKey.B64(y)}\"}}");
        Refused($"{{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"{key["x"]}\",\"y\":\"{key["y"]}\",\"d\":\"AAAA\"}}");
        Refused($"{{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"{TestKey.Create("EdDSA").Jwk["x"]}=\"}}");
        Refused("{\"kty\":\"oct\",\"k\":\"AAAA\"}");
        Refused("[]");
    }

    [Theory]
    [InlineData("ES256", "ES256", true)]
    [InlineData("ES256", "ES384", false)]
    [InlineData("ES384", "ES384", true)]
    [InlineData("RS256", "RS256", true)]
    [InlineData("RS256", "ES256", false)]
    [InlineData("EdDSA", "EdDSA", true)]
    [InlineData("EdDSA", "RS256", false)]
    public void A_key_fits_only_its_own_algorithm(string keyAlg, string alg, bool fits) =>
        Assert.Equal(fits, Parse(JsonSerializer.Serialize(TestKey.Create(keyAlg).Jwk)).Fits(alg));

    [Theory]
    [InlineData("ES256")]
    [InlineData("ES384")]
    [InlineData("RS256")]
    [InlineData("EdDSA")]
    public async Task A_stored_key_is_parsed_once_and_verifies_from_many_threads_at_once(string alg)
    {
        var key = TestKey.Create(alg);
        var stored = Jwk.Parse(Parse(JsonSerializer.Serialize(key.Jwk)).CanonicalJson);
        Assert.Same(stored, Jwk.Parse(stored.CanonicalJson));

        var signingInput = "header.payload"u8.ToArray();
        var signature = key.Sign(signingInput);
        var verdicts = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(() =>
        {
            var input = i % 2 == 0 ? signingInput : "header.other"u8.ToArray();
            return stored.Verify(alg, input, signature) == (i % 2 == 0);
        })));

        Assert.All(verdicts, Assert.True);
    }

    private static Jwk Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        Assert.True(Jwk.TryParse(document.RootElement, out var jwk, out var error), error);
        return jwk!;
    }

    private static void Refused(string json)
    {
        using var document = JsonDocument.Parse(json);
        Assert.False(Jwk.TryParse(document.RootElement, out _, out var error), json);
        Assert.False(string.IsNullOrEmpty(error));
    }

    private static string Pad(string base64) => base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=');
}
