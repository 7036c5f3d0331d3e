using System.Security.Cryptography.X509Certificates;

namespace Certctl.Issuance.Tests;

public sealed class RootCaTests
{
    public static TheoryData<KeySpec> RootKeys() =>
        [KeySpec.EcdsaP256, KeySpec.EcdsaP384, KeySpec.Rsa2048, KeySpec.Rsa3072, KeySpec.Rsa4096];

    [Theory]
    [MemberData(nameof(RootKeys))]
    public void A_new_root_is_a_self_signed_ca_that_may_only_sign_certificates_and_crls(KeySpec key)
    {
        var clock = TestPki.Clock();
        using var ca = IssuingCa.CreateSelfSignedRoot(new RootCaOptions { CommonName = "Certctl Test Root", Organization = "Certctl", Key = key }, clock);
        var root = ca.Certificate;

        Assert.Equal(key, ca.Key);
        Assert.Equal("CN=Certctl Test Root, O=Certctl", root.Subject);
        Assert.Equal(root.Subject, root.Issuer);

        var basicConstraints = Assert.Single(root.Extensions.OfType<X509BasicConstraintsExtension>());
        Assert.True(basicConstraints.Critical);
        Assert.True(basicConstraints.CertificateAuthority);
        Assert.False(basicConstraints.HasPathLengthConstraint);

        var keyUsage = Assert.Single(root.Extensions.OfType<X509KeyUsageExtension>());
        Assert.True(keyUsage.Critical);
        Assert.Equal(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, keyUsage.KeyUsages);

        var subjectKeyId = Assert.Single(root.Extensions.OfType<X509SubjectKeyIdentifierExtension>());
        Assert.False(subjectKeyId.Critical);
        Assert.Equal(TestPki.Rfc7093KeyId(root.PublicKey), subjectKeyId.SubjectKeyIdentifierBytes.ToArray());
        Assert.Equal(subjectKeyId.SubjectKeyIdentifierBytes.ToArray(), ca.KeyIdentifier.ToArray());
        var authorityKeyId = Assert.Single(root.Extensions.OfType<X509AuthorityKeyIdentifierExtension>());
        Assert.Equal(subjectKeyId.SubjectKeyIdentifierBytes.ToArray(), authorityKeyId.KeyIdentifier!.Value.ToArray());

        // A root is its own chain: it verifies under itself and nothing else.
        TestPki.AssertChainBuilds(root, root, [], TestPki.Now, expectedLength: 1, requiredUsage: null);
    }

    [Fact]
    public void A_root_is_backdated_a_minute_and_valid_for_the_configured_period()
    {
        var clock = TestPki.Clock();
        using var ca = IssuingCa.CreateSelfSignedRoot(new RootCaOptions { Validity = TimeSpan.FromDays(365) }, clock);

        var expectedNotBefore = new DateTimeOffset(2026, 3, 1, 11, 59, 0, TimeSpan.Zero);
        Assert.Equal(expectedNotBefore, ca.NotBefore);
        Assert.Equal(expectedNotBefore.AddDays(365), ca.NotAfter);
        Assert.Equal("CN=CertCtl Local CA", ca.Certificate.Subject);
        Assert.Equal(KeySpec.EcdsaP256, ca.Key);
    }

    [Fact]
    public void Two_roots_never_share_a_serial_number()
    {
        // The original gave every root serial 1, so two of its roots with one name were indistinguishable by issuer+serial.
        var clock = TestPki.Clock();
        using var first = TestPki.Root(clock);
        using var second = TestPki.Root(clock);

        Assert.NotEqual(first.Certificate.SerialNumber, second.Certificate.SerialNumber);
        Assert.True(first.Certificate.SerialNumberBytes.Length is > 8 and <= 20);
    }

    [Fact]
    public void The_chain_pem_of_a_root_is_the_root_itself()
    {
        using var ca = TestPki.Root(TestPki.Clock());

        var chain = TestPki.Pems(ca.ChainPem);
        Assert.Equal(ca.Certificate.Thumbprint, Assert.Single(chain).Thumbprint);
        Assert.EndsWith("-----END CERTIFICATE-----\n", ca.ChainPem, StringComparison.Ordinal);
    }

    public static TheoryData<RootCaOptions> UnsupportedRoots() =>
    [
        new RootCaOptions { Key = new KeySpec(KeyAlgorithm.Rsa, 1024) },
        new RootCaOptions { Key = new KeySpec(KeyAlgorithm.Ecdsa, 521) },
        new RootCaOptions { Key = new KeySpec(KeyAlgorithm.Ed25519, 256) },
        new RootCaOptions { CommonName = "  " },
        new RootCaOptions { CommonName = new string('x', 65) },
        new RootCaOptions { Validity = TimeSpan.FromHours(1) },
    ];

    [Theory]
    [MemberData(nameof(UnsupportedRoots))]
    public void Root_options_the_engine_does_not_support_are_refused(RootCaOptions options)
    {
        Assert.Throws<CertificateAuthorityException>(() => IssuingCa.CreateSelfSignedRoot(options, TestPki.Clock()));
    }
}
