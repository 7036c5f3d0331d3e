using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Certctl.Acme.Protocol;
using Certctl.Acme.Validation;

namespace Certctl.Acme.Tests.Validation;

/// <summary>RFC 8737 §3's rules for the challenge certificate, on certificates built to break one rule each.</summary>
public sealed class TlsAlpn01CertificateTests
{
    private const string KeyAuthorization = "token.thumbprint";
    private static readonly AcmeIdentifier Identifier = new("dns", "www.example.test");

    [Fact]
    public void Accepts_the_certificate_rfc_8737_describes()
    {
        using var certificate = Build(["www.example.test"], KeyAuthorizationDigest.Sha256(KeyAuthorization), critical: true);

        Assert.Null(TlsAlpn01Validator.Check(Identifier, certificate, KeyAuthorization));
    }

    [Fact]
    public void Refuses_a_non_critical_acme_identifier()
    {
        using var certificate = Build(["www.example.test"], KeyAuthorizationDigest.Sha256(KeyAuthorization), critical: false);

        Assert.Contains("not critical", TlsAlpn01Validator.Check(Identifier, certificate, KeyAuthorization), StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_a_digest_of_another_key_authorization()
    {
        using var certificate = Build(["www.example.test"], KeyAuthorizationDigest.Sha256("other"), critical: true);

        Assert.Contains("not SHA-256", TlsAlpn01Validator.Check(Identifier, certificate, KeyAuthorization), StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_extra_or_other_names()
    {
        using var extra = Build(["www.example.test", "evil.example.test"], KeyAuthorizationDigest.Sha256(KeyAuthorization), critical: true);
        using var other = Build(["evil.example.test"], KeyAuthorizationDigest.Sha256(KeyAuthorization), critical: true);

        Assert.Contains("subjectAltName", TlsAlpn01Validator.Check(Identifier, extra, KeyAuthorization), StringComparison.Ordinal);
        Assert.Contains("subjectAltName", TlsAlpn01Validator.Check(Identifier, other, KeyAuthorization), StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_a_certificate_without_the_extension()
    {
        using var certificate = Build(["www.example.test"], digest: null, critical: true);

        Assert.Contains("no acmeIdentifier", TlsAlpn01Validator.Check(Identifier, certificate, KeyAuthorization), StringComparison.Ordinal);
    }

    private static X509Certificate2 Build(string[] names, byte[]? digest, bool critical)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=ACME challenge", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            san.AddDnsName(name);
        }

        request.CertificateExtensions.Add(san.Build(critical: true));
        if (digest is not null)
        {
            var writer = new AsnWriter(AsnEncodingRules.DER);
            writer.WriteOctetString(digest);
            request.CertificateExtensions.Add(new X509Extension(TlsAlpn01Validator.AcmeIdentifierOid, writer.Encode(), critical));
        }

        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }
}
