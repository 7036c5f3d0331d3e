using System.Security.Cryptography;
using System.Text.Json;
using Certctl.LoadTest.AcmeIssuance;

namespace Certctl.LoadTest.Tests.AcmeIssuance;

public sealed class AcmeSignerTests
{
    [Fact]
    public void A_new_account_request_carries_the_jwk_and_verifies_with_it()
    {
        using var signer = new AcmeSigner();

        var jws = Jws.Read(signer.Sign("http://localhost:8080/acme/new-account", "n0nce", kid: null, """{"termsOfServiceAgreed":true}"""));

        Assert.True(jws.Verified);
        Assert.Equal("ES256", jws.Header.GetProperty("alg").GetString());
        Assert.Equal("n0nce", jws.Header.GetProperty("nonce").GetString());
        Assert.Equal("http://localhost:8080/acme/new-account", jws.Header.GetProperty("url").GetString());
        Assert.False(jws.Header.TryGetProperty("kid", out _));
        Assert.Equal("EC", jws.Header.GetProperty("jwk").GetProperty("kty").GetString());
        Assert.Equal("P-256", jws.Header.GetProperty("jwk").GetProperty("crv").GetString());
        Assert.Equal("""{"termsOfServiceAgreed":true}""", jws.Payload);
    }

    [Fact]
    public void A_kid_request_has_no_jwk_and_a_post_as_get_has_an_empty_payload()
    {
        using var signer = new AcmeSigner();
        var accountKey = JsonSerializer.SerializeToElement(signer.Jwk);

        var jws = Jws.Read(signer.Sign("http://localhost:8080/acme/order/1", "n", "http://localhost:8080/acme/account/7", payloadJson: null), accountKey);

        Assert.True(jws.Verified);
        Assert.Equal("http://localhost:8080/acme/account/7", jws.Header.GetProperty("kid").GetString());
        Assert.False(jws.Header.TryGetProperty("jwk", out _));
        Assert.Equal(string.Empty, jws.Payload);
    }

    [Fact]
    public void Another_key_does_not_verify_the_signature()
    {
        using var signer = new AcmeSigner();
        using var other = new AcmeSigner();

        var jws = Jws.Read(signer.Sign("http://localhost:8080/acme/new-order", "n", "kid", "{}"), JsonSerializer.SerializeToElement(other.Jwk));

        Assert.False(jws.Verified);
    }

    [Fact]
    public void A_key_that_is_not_p256_is_refused()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        Assert.Throws<ArgumentException>(() => new AcmeSigner(p384));
    }

    [Fact]
    public void The_finalize_csr_names_exactly_the_one_dns_name_and_its_signature_verifies()
    {
        using var payload = JsonDocument.Parse(AcmeCsr.FinalizePayload("abc123.acme-load.example.com"));
        var der = System.Buffers.Text.Base64Url.DecodeFromChars(payload.RootElement.GetProperty("csr").GetString());

        // LoadSigningRequest checks the request's own signature; extensions are only read when asked for.
        var request = System.Security.Cryptography.X509Certificates.CertificateRequest.LoadSigningRequest(
            der, HashAlgorithmName.SHA256, System.Security.Cryptography.X509Certificates.CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);

        Assert.Equal("CN=abc123.acme-load.example.com", request.SubjectName.Name);
        var extension = Assert.Single(request.CertificateExtensions, e => e.Oid?.Value == "2.5.29.17");
        var san = new System.Security.Cryptography.X509Certificates.X509SubjectAlternativeNameExtension(extension.RawData);
        Assert.Equal(["abc123.acme-load.example.com"], san.EnumerateDnsNames());
        Assert.Equal(256, request.PublicKey.GetECDsaPublicKey()!.KeySize);
    }
}
