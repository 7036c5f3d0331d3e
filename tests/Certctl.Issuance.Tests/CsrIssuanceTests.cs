using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Certctl.Issuance.Tests;

public sealed class CsrIssuanceTests : IDisposable
{
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _clock = TestPki.Clock();
    private readonly IssuingCa _ca;
    private readonly LocalCertificateAuthority _authority;

    public CsrIssuanceTests()
    {
        _ca = TestPki.Root(_clock);
        _authority = TestPki.Authority(_ca, _clock);
    }

    public void Dispose() => _ca.Dispose();

    [Fact]
    public void A_leaf_from_a_csr_chains_to_the_root_and_the_result_describes_it()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var issued = _authority.IssueFromCsr(TestPki.Request("api.example.com", "www.example.com"), TestPki.CsrPem(key), IssuanceProfile.Default);

        var leaf = TestPki.Leaf(issued);
        TestPki.AssertChainBuilds(leaf, _ca.Certificate, TestPki.Pems(issued.ChainPem), _clock.GetUtcNow(), expectedLength: 2);
        Assert.Equal(_ca.ChainPem, issued.ChainPem);
        Assert.Equal(issued.CertificatePem + issued.ChainPem, issued.FullChainPem);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(leaf.RawData)), issued.FingerprintSha256);
        Assert.Equal(leaf.SerialNumber.ToLowerInvariant().TrimStart('0'), issued.SerialNumber);
        Assert.Equal(issued.NotBefore, new DateTimeOffset(leaf.NotBefore.ToUniversalTime()));
        Assert.Equal(issued.NotAfter, new DateTimeOffset(leaf.NotAfter.ToUniversalTime()));
        Assert.Equal(KeySpec.EcdsaP256, issued.SubjectKey);
        Assert.Equal(Convert.ToHexStringLower(_ca.KeyIdentifier.Span), issued.AuthorityKeyIdentifier);
        Assert.Equal("CN=api.example.com", leaf.Subject);
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), leaf.PublicKey.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public void A_der_csr_is_accepted_as_well()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        var issued = _authority.IssueFromCsr(TestPki.Request(), TestPki.CsrDer(key), IssuanceProfile.Default);

        Assert.Equal(KeySpec.EcdsaP384, issued.SubjectKey);
        TestPki.AssertChainBuilds(TestPki.Leaf(issued), _ca.Certificate, [], _clock.GetUtcNow(), expectedLength: 2);
    }

    [Fact]
    public void Sans_are_de_duplicated_and_sorted_dns_then_ip_then_email_then_uri_with_the_cn_among_them()
    {
        var request = TestPki.Request(
            "API.Example.com",
            "b.example.com", "10.0.0.2", "A.example.com", "2001:db8::1", "alice@Example.COM", "10.0.0.1",
            "a.example.com", "api.example.com.", "spiffe://example.org/ns/prod/sa/api", "10.0.0.2", "*.apps.example.com");

        var leaf = TestPki.Leaf(_authority.IssueFromCsr(request, TestPki.CsrPem(ECDsa.Create()), IssuanceProfile.Default));

        Assert.Equal(
            [
                "DNS:*.apps.example.com", "DNS:a.example.com", "DNS:api.example.com", "DNS:b.example.com",
                "IP:10.0.0.1", "IP:10.0.0.2", "IP:2001:db8::1",
                "email:alice@example.com",
                "URI:spiffe://example.org/ns/prod/sa/api",
            ],
            TestPki.SubjectAlternativeNames(leaf));
        Assert.Equal("CN=api.example.com", leaf.Subject);
        Assert.False(leaf.Extensions["2.5.29.17"]!.Critical);
    }

    [Fact]
    public void The_csr_contributes_its_key_only_never_its_names()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = TestPki.CsrPem(key, "CN=bank.example.net", "bank.example.net", "login.example.net");

        var leaf = TestPki.Leaf(_authority.IssueFromCsr(TestPki.Request("api.example.com"), csr, IssuanceProfile.Default));

        Assert.Equal(["DNS:api.example.com"], TestPki.SubjectAlternativeNames(leaf));
        Assert.Equal("CN=api.example.com", leaf.Subject);
    }

    [Fact]
    public void Without_a_common_name_the_subject_is_empty_and_the_san_extension_critical()
    {
        var leaf = TestPki.Leaf(_authority.IssueFromCsr(TestPki.Request(null, "api.example.com"), TestPki.CsrPem(ECDsa.Create()), IssuanceProfile.Default));

        Assert.Equal(string.Empty, leaf.Subject);
        Assert.True(leaf.Extensions["2.5.29.17"]!.Critical);
        TestPki.AssertChainBuilds(leaf, _ca.Certificate, [], _clock.GetUtcNow(), expectedLength: 2);
    }

    [Fact]
    public void An_ecdsa_leaf_may_only_sign_and_an_rsa_leaf_may_also_encipher()
    {
        var ecdsa = TestPki.Leaf(_authority.IssueFromCsr(TestPki.Request(), TestPki.CsrPem(ECDsa.Create(ECCurve.NamedCurves.nistP256)), IssuanceProfile.Default));
        var rsa = TestPki.Leaf(_authority.IssueFromCsr(TestPki.Request(), TestPki.CsrPem(RSA.Create(2048)), IssuanceProfile.Default));

        var ecdsaUsage = Assert.Single(ecdsa.Extensions.OfType<X509KeyUsageExtension>());
        Assert.True(ecdsaUsage.Critical);
        Assert.Equal(X509KeyUsageFlags.DigitalSignature, ecdsaUsage.KeyUsages);
        var rsaUsage = Assert.Single(rsa.Extensions.OfType<X509KeyUsageExtension>());
        Assert.True(rsaUsage.Critical);
        Assert.Equal(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, rsaUsage.KeyUsages);

        var constraints = Assert.Single(rsa.Extensions.OfType<X509BasicConstraintsExtension>());
        Assert.True(constraints.Critical);
        Assert.False(constraints.CertificateAuthority);
    }

    [Fact]
    public void The_default_profile_grants_server_auth_only()
    {
        var leaf = TestPki.Leaf(_authority.IssueFromCsr(TestPki.Request(), TestPki.CsrPem(ECDsa.Create()), IssuanceProfile.Default));

        var usages = Assert.Single(leaf.Extensions.OfType<X509EnhancedKeyUsageExtension>());
        Assert.False(usages.Critical);
        Assert.Equal([ExtendedKeyUsageOids.ServerAuth], usages.EnhancedKeyUsages.Cast<Oid>().Select(oid => oid.Value));
        using var clientChain = TestPki.Chain(leaf, _ca.Certificate, [], _clock.GetUtcNow(), ExtendedKeyUsageOids.ClientAuth);
        Assert.False(clientChain.Build(leaf));
    }

    [Fact]
    public void A_profile_can_add_client_auth_for_mutual_tls()
    {
        var profile = new IssuanceProfile { ExtendedKeyUsages = [ExtendedKeyUsage.ServerAuth, ExtendedKeyUsage.ClientAuth] };

        var leaf = TestPki.Leaf(_authority.IssueFromCsr(TestPki.Request(), TestPki.CsrPem(ECDsa.Create()), profile));

        var usages = Assert.Single(leaf.Extensions.OfType<X509EnhancedKeyUsageExtension>());
        Assert.Equal([ExtendedKeyUsageOids.ServerAuth, ExtendedKeyUsageOids.ClientAuth], usages.EnhancedKeyUsages.Cast<Oid>().Select(oid => oid.Value));
        TestPki.AssertChainBuilds(leaf, _ca.Certificate, [], _clock.GetUtcNow(), 2, ExtendedKeyUsageOids.ClientAuth);
    }

    [Fact]
    public void Must_staple_is_the_tls_feature_extension_asking_for_status_request()
    {
        var fromProfile = TestPki.Leaf(_authority.IssueFromCsr(TestPki.Request(), TestPki.CsrPem(ECDsa.Create()), new IssuanceProfile { MustStaple = true }));
        var fromRequest = TestPki.Leaf(_authority.IssueFromCsr(TestPki.Request() with { MustStaple = true }, TestPki.CsrPem(ECDsa.Create()), IssuanceProfile.Default));
        var without = TestPki.Leaf(_authority.IssueFromCsr(TestPki.Request(), TestPki.CsrPem(ECDsa.Create()), IssuanceProfile.Default));

        foreach (var leaf in new[] { fromProfile, fromRequest })
        {
            var feature = leaf.Extensions["1.3.6.1.5.5.7.1.24"];
            Assert.NotNull(feature);
            Assert.False(feature.Critical);
            Assert.Equal(new byte[] { 0x30, 0x03, 0x02, 0x01, 0x05 }, feature.RawData);
            var features = new AsnReader(feature.RawData, AsnEncodingRules.DER).ReadSequence();
            Assert.True(features.TryReadInt32(out var status));
            Assert.Equal(5, status); // status_request, RFC 6066
            Assert.False(features.HasData);
        }

        Assert.Null(without.Extensions["1.3.6.1.5.5.7.1.24"]);
        TestPki.AssertChainBuilds(fromProfile, _ca.Certificate, [], _clock.GetUtcNow(), expectedLength: 2);
    }

    [Fact]
    public void The_leaf_names_its_own_key_and_its_issuers_key()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var leaf = TestPki.Leaf(_authority.IssueFromCsr(TestPki.Request(), TestPki.CsrPem(key), IssuanceProfile.Default));

        var subjectKeyId = Assert.Single(leaf.Extensions.OfType<X509SubjectKeyIdentifierExtension>());
        Assert.Equal(TestPki.Rfc7093KeyId(leaf.PublicKey), subjectKeyId.SubjectKeyIdentifierBytes.ToArray());
        var authorityKeyId = Assert.Single(leaf.Extensions.OfType<X509AuthorityKeyIdentifierExtension>());
        Assert.False(authorityKeyId.Critical);
        Assert.Equal(_ca.Certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single().SubjectKeyIdentifierBytes.ToArray(), authorityKeyId.KeyIdentifier!.Value.ToArray());
    }

    [Fact]
    public void Configured_crl_and_aia_urls_are_in_every_leaf_and_absent_otherwise()
    {
        var options = new LocalCaOptions
        {
            CrlDistributionPointUrls = ["http://pki.example.com/crl/iss-local.crl"],
            OcspUrls = ["http://ocsp.example.com/iss-local"],
            CaIssuersUrls = ["http://pki.example.com/ca/iss-local.cer"],
        };
        var withUrls = TestPki.Leaf(TestPki.Authority(_ca, _clock, options).IssueFromCsr(TestPki.Request(), TestPki.CsrPem(ECDsa.Create()), IssuanceProfile.Default));
        var without = TestPki.Leaf(_authority.IssueFromCsr(TestPki.Request(), TestPki.CsrPem(ECDsa.Create()), IssuanceProfile.Default));

        Assert.Equal(["http://pki.example.com/crl/iss-local.crl"], TestPki.CrlDistributionPointUrls(withUrls));
        var aia = Assert.Single(withUrls.Extensions.OfType<X509AuthorityInformationAccessExtension>());
        Assert.Equal(["http://ocsp.example.com/iss-local"], aia.EnumerateOcspUris());
        Assert.Equal(["http://pki.example.com/ca/iss-local.cer"], aia.EnumerateCAIssuersUris());
        Assert.Null(without.Extensions["2.5.29.31"]);
        Assert.Empty(without.Extensions.OfType<X509AuthorityInformationAccessExtension>());
        TestPki.AssertChainBuilds(withUrls, _ca.Certificate, [], _clock.GetUtcNow(), expectedLength: 2);
    }

    [Theory]
    [InlineData("ftp://pki.example.com/crl")]
    [InlineData("/relative/crl")]
    public void A_url_that_is_not_absolute_http_is_a_configuration_error(string url)
    {
        Assert.Throws<CertificateAuthorityException>(() => TestPki.Authority(_ca, _clock, new LocalCaOptions { CrlDistributionPointUrls = [url] }));
    }

    [Fact]
    public void A_csr_whose_signature_does_not_verify_is_rejected()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var der = TestPki.CsrDer(key, "CN=tamper.example.com");

        // Change one letter of the signed subject: the structure stays valid, the signature no longer matches it.
        var at = der.AsSpan().IndexOf("tamper"u8);
        Assert.True(at > 0);
        der[at] = (byte)'d';
        var tampered = PemEncoding.WriteString("CERTIFICATE REQUEST", der);

        var error = Assert.Throws<InvalidCsrException>(() => _authority.IssueFromCsr(TestPki.Request(), tampered, IssuanceProfile.Default));
        Assert.Equal(IssuanceRejection.InvalidCsr, error.Reason);
        Assert.Contains("signature", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_csr_whose_rsa_signature_does_not_verify_is_rejected()
    {
        using var key = RSA.Create(2048);
        var der = TestPki.CsrDer(key, "CN=tamper.example.com");
        der[^1] ^= 0x01;

        Assert.Throws<InvalidCsrException>(() => _authority.IssueFromCsr(TestPki.Request(), der, IssuanceProfile.Default));
    }

    public static TheoryData<string> NotCsrs()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var der = TestPki.CsrDer(key);
        return
        [
            string.Empty,
            "hello",
            PemEncoding.WriteString("CERTIFICATE", der),
            PemEncoding.WriteString("CERTIFICATE REQUEST", [0x30, 0x03, 0x02, 0x01, 0x05]),
            PemEncoding.WriteString("CERTIFICATE REQUEST", [.. der, 0x00]),
            "-----BEGIN CERTIFICATE REQUEST-----\n!!!!\n-----END CERTIFICATE REQUEST-----\n",
        ];
    }

    [Theory]
    [MemberData(nameof(NotCsrs))]
    public void Text_that_is_not_one_pkcs10_request_is_rejected(string csr)
    {
        Assert.Throws<InvalidCsrException>(() => _authority.IssueFromCsr(TestPki.Request(), csr, IssuanceProfile.Default));
    }

    [Fact]
    public void An_rsa_1024_key_is_rejected_as_weak_whatever_the_profile_says()
    {
        using var key = RSA.Create(1024);
        var lenient = new IssuanceProfile { AllowedKeyAlgorithms = [new KeyAlgorithmRule(KeyAlgorithm.Rsa, 1024)] };

        var error = Assert.Throws<DisallowedKeyException>(() => _authority.IssueFromCsr(TestPki.Request(), TestPki.CsrPem(key), lenient));
        Assert.Equal(IssuanceRejection.DisallowedKey, error.Reason);
        Assert.Contains("1024", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_type_the_profile_does_not_list_is_rejected()
    {
        var ecdsaOnly = new IssuanceProfile { AllowedKeyAlgorithms = [new KeyAlgorithmRule(KeyAlgorithm.Ecdsa, 256)] };

        var error = Assert.Throws<DisallowedKeyException>(() => _authority.IssueFromCsr(TestPki.Request(), TestPki.CsrPem(RSA.Create(2048)), ecdsaOnly));
        Assert.Contains("RSA 2048", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_smaller_than_the_profile_minimum_is_rejected()
    {
        var highSecurity = new IssuanceProfile
        {
            AllowedKeyAlgorithms = [new KeyAlgorithmRule(KeyAlgorithm.Ecdsa, 384), new KeyAlgorithmRule(KeyAlgorithm.Rsa, 4096)],
        };

        Assert.Throws<DisallowedKeyException>(() => _authority.IssueFromCsr(TestPki.Request(), TestPki.CsrPem(ECDsa.Create(ECCurve.NamedCurves.nistP256)), highSecurity));
        Assert.Throws<DisallowedKeyException>(() => _authority.IssueFromCsr(TestPki.Request(), TestPki.CsrPem(RSA.Create(3072)), highSecurity));
        Assert.Equal(KeySpec.EcdsaP384, _authority.IssueFromCsr(TestPki.Request(), TestPki.CsrPem(ECDsa.Create(ECCurve.NamedCurves.nistP384)), highSecurity).SubjectKey);
    }

    [Fact]
    public void A_profile_that_allows_nothing_issues_nothing()
    {
        var closed = new IssuanceProfile { AllowedKeyAlgorithms = [] };

        Assert.Throws<DisallowedKeyException>(() => _authority.IssueFromCsr(TestPki.Request(), TestPki.CsrPem(ECDsa.Create()), closed));
    }

    [Fact]
    public void An_unsupported_curve_is_rejected()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.brainpoolP256r1);

        Assert.Throws<DisallowedKeyException>(() => _authority.IssueFromCsr(TestPki.Request(), TestPki.CsrPem(key), IssuanceProfile.Default));
    }

    [Fact]
    public void A_csr_for_the_cas_own_key_is_rejected()
    {
        var caKey = _ca.Export(TestPki.FastProtection);
        using var key = ECDsa.Create();
        key.ImportEncryptedPkcs8PrivateKey("correct horse battery staple", caKey.EncryptedPrivateKey, out _);

        var error = Assert.Throws<DisallowedKeyException>(() => _authority.IssueFromCsr(TestPki.Request(), TestPki.CsrPem(key), IssuanceProfile.Default));
        Assert.Contains("CA's own key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_ed25519_csr_is_rejected_as_a_key_type_not_as_a_bad_signature()
    {
        var allowsEd25519 = new IssuanceProfile { AllowedKeyAlgorithms = [new KeyAlgorithmRule(KeyAlgorithm.Ed25519, 0)] };

        var error = Assert.Throws<DisallowedKeyException>(() => _authority.IssueFromCsr(TestPki.Request(), Ed25519Csr(), allowsEd25519));
        Assert.Contains("Ed25519", error.Message, StringComparison.Ordinal);
        Assert.Throws<DisallowedKeyException>(() => _authority.IssueFromCsr(TestPki.Request(), Ed25519Csr(), IssuanceProfile.Default));
    }

    [Fact]
    public void Client_errors_and_ca_errors_are_told_apart_by_type()
    {
        Assert.IsAssignableFrom<IssuanceRejectedException>(new InvalidCsrException("x"));
        Assert.IsAssignableFrom<IssuanceRejectedException>(new DisallowedKeyException("x"));
        Assert.IsAssignableFrom<IssuanceRejectedException>(new InvalidValidityException("x"));
        Assert.IsAssignableFrom<IssuanceRejectedException>(new InvalidNameException("x"));
        Assert.False(typeof(IssuanceRejectedException).IsAssignableFrom(typeof(CertificateAuthorityException)));
        Assert.True(typeof(IssuanceException).IsAssignableFrom(typeof(CertificateAuthorityException)));
        Assert.True(typeof(IssuanceException).IsAssignableFrom(typeof(IssuanceRejectedException)));
    }

    [Fact]
    public void Concurrent_issuance_from_one_ca_yields_valid_distinct_certificates()
    {
        using var rsaCa = TestPki.Root(_clock, KeySpec.Rsa2048);
        var authority = TestPki.Authority(rsaCa, _clock);
        var csrs = Enumerable.Range(0, 8).Select(_ => TestPki.CsrPem(ECDsa.Create(ECCurve.NamedCurves.nistP256))).ToArray();

        var issued = Enumerable.Range(0, 96).AsParallel().WithDegreeOfParallelism(8)
            .Select(i => authority.IssueFromCsr(TestPki.Request($"host{i}.example.com"), csrs[i % csrs.Length], IssuanceProfile.Default))
            .ToList();

        Assert.Equal(96, issued.Select(result => result.SerialNumber).Distinct().Count());
        foreach (var result in issued)
        {
            TestPki.AssertChainBuilds(TestPki.Leaf(result), rsaCa.Certificate, [], _clock.GetUtcNow(), expectedLength: 2);
        }
    }

    /// <summary>A structurally valid PKCS#10 request with an Ed25519 key (and a signature nobody checks), written by hand.</summary>
    private static string Ed25519Csr()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                writer.WriteInteger(0);
                using (writer.PushSequence())
                {
                    using (writer.PushSetOf())
                    using (writer.PushSequence())
                    {
                        writer.WriteObjectIdentifier("2.5.4.3");
                        writer.WriteCharacterString(UniversalTagNumber.UTF8String, "ed.example.com");
                    }
                }

                using (writer.PushSequence())
                {
                    using (writer.PushSequence())
                    {
                        writer.WriteObjectIdentifier("1.3.101.112");
                    }

                    writer.WriteBitString(RandomNumberGenerator.GetBytes(32));
                }

                using (writer.PushSetOf(new Asn1Tag(TagClass.ContextSpecific, 0)))
                {
                }
            }

            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier("1.3.101.112");
            }

            writer.WriteBitString(RandomNumberGenerator.GetBytes(64));
        }

        return PemEncoding.WriteString("CERTIFICATE REQUEST", writer.Encode());
    }
}
