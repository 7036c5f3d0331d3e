using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Certctl.Issuance.Tests;

/// <summary>What the CA connector needs for external CAs: a server-made key with its CSR, checking an agent's CSR, and reading back the CA's PEM bundle.</summary>
public sealed class ExternalIssuanceTests : IDisposable
{
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _clock = TestPki.Clock();
    private readonly IssuingCa _ca;
    private readonly LocalCertificateAuthority _authority;

    public ExternalIssuanceTests()
    {
        _ca = TestPki.Root(_clock);
        _authority = TestPki.Authority(_ca, _clock);
    }

    public void Dispose() => _ca.Dispose();

    [Fact]
    public void A_server_key_CSR_is_signed_by_its_key_and_carries_the_request_s_names()
    {
        using var made = ServerKeyCsr.Create(TestPki.Request("api.example.com", "www.example.com"), KeySpec.EcdsaP256, IssuanceProfile.Default);

        var csr = CertificateRequest.LoadSigningRequestPem(made.CsrPem, HashAlgorithmName.SHA256,
            CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);
        Assert.Equal("CN=api.example.com", csr.SubjectName.Name);
        var names = csr.CertificateExtensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames();
        Assert.Equal(["api.example.com", "www.example.com"], names);
        using var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(made.PrivateKeyPkcs8, out _);
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), csr.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.Equal(made.SubjectPublicKeyInfo, csr.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.Equal(made.SubjectPublicKeyInfo, ExternalCsr.Check(made.CsrPem, IssuanceProfile.Default));
    }

    [Fact]
    public void Disposing_the_server_key_wipes_it_and_a_key_the_profile_refuses_is_never_made()
    {
        var made = ServerKeyCsr.Create(TestPki.Request("api.example.com"), KeySpec.Rsa2048, IssuanceProfile.Default);
        made.Dispose();
        Assert.All(made.PrivateKeyPkcs8, b => Assert.Equal(0, b));

        var rsaOnly = IssuanceProfile.Default with { AllowedKeyAlgorithms = [new(KeyAlgorithm.Rsa, 3072)] };
        Assert.Throws<DisallowedKeyException>(() => ServerKeyCsr.Create(TestPki.Request("api.example.com"), KeySpec.EcdsaP256, rsaOnly));
    }

    [Fact]
    public void An_agent_CSR_is_checked_like_the_local_CA_checks_it_before_a_paid_order_is_placed()
    {
        using var weak = RSA.Create(1024);
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rsaOnly = IssuanceProfile.Default with { AllowedKeyAlgorithms = [new(KeyAlgorithm.Rsa, 2048)] };

        Assert.Throws<InvalidCsrException>(() => ExternalCsr.Check("-----BEGIN CERTIFICATE REQUEST-----\nbm90IGEgQ1NS\n-----END CERTIFICATE REQUEST-----\n", IssuanceProfile.Default));
        Assert.Throws<DisallowedKeyException>(() => ExternalCsr.Check(TestPki.CsrPem(weak), IssuanceProfile.Default));
        Assert.Throws<DisallowedKeyException>(() => ExternalCsr.Check(TestPki.CsrPem(ecdsa), rsaOnly));
        Assert.Equal(ecdsa.ExportSubjectPublicKeyInfo(), ExternalCsr.Check(TestPki.CsrPem(ecdsa), IssuanceProfile.Default));
    }

    [Fact]
    public void A_CA_s_PEM_bundle_reads_back_as_the_certificate_the_CA_issued()
    {
        using var made = ServerKeyCsr.Create(TestPki.Request("api.example.com"), KeySpec.EcdsaP384, IssuanceProfile.Default);
        var issued = _authority.IssueFromCsr(TestPki.Request("api.example.com"), made.CsrPem, IssuanceProfile.Default);

        var read = ExternalCertificate.FromPemBundle(issued.FullChainPem, made.SubjectPublicKeyInfo);

        Assert.Equal(issued with { ValidityLimitedBy = ValidityLimit.ExternalIssuer }, read);
    }

    [Fact]
    public void A_bundle_for_another_key_is_the_CA_s_refusal_and_an_empty_one_the_CA_s_fault()
    {
        using var made = ServerKeyCsr.Create(TestPki.Request("api.example.com"), KeySpec.EcdsaP256, IssuanceProfile.Default);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var issued = _authority.IssueFromCsr(TestPki.Request("api.example.com"), TestPki.CsrPem(other), IssuanceProfile.Default);

        Assert.Throws<IssuerRejectedException>(() => ExternalCertificate.FromPemBundle(issued.FullChainPem, made.SubjectPublicKeyInfo));
        Assert.Throws<CertificateAuthorityException>(() => ExternalCertificate.FromPemBundle("no certificates here", made.SubjectPublicKeyInfo));
    }
}
