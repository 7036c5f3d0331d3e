using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Certctl.Issuance.Tests;

public sealed class SubordinateCaTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("certctl-issuance-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    public enum KeyFile
    {
        Pkcs8,
        Sec1,
        Pkcs1,
        EncryptedPkcs8,
    }

    [Theory]
    [InlineData(KeyFile.Pkcs8, false)]
    [InlineData(KeyFile.Sec1, false)]
    [InlineData(KeyFile.EncryptedPkcs8, false)]
    [InlineData(KeyFile.Pkcs8, true)]
    [InlineData(KeyFile.Pkcs1, true)]
    public void A_sub_ca_loaded_from_pem_files_issues_leaves_that_chain_to_the_operator_root(KeyFile format, bool rsa)
    {
        var clock = TestPki.Clock();
        using var hierarchy = Hierarchy.Create(TestPki.Now, rsa);
        var certificatePath = Write("ca.pem", PemText.Certificates([hierarchy.SubCa, hierarchy.Root]));
        var keyPath = Write("ca.key", format switch
        {
            KeyFile.Pkcs8 => hierarchy.SubKey.ExportPkcs8PrivateKeyPem(),
            KeyFile.Sec1 => ((ECDsa)hierarchy.SubKey).ExportECPrivateKeyPem(),
            KeyFile.Pkcs1 => ((RSA)hierarchy.SubKey).ExportRSAPrivateKeyPem(),
            _ => hierarchy.SubKey.ExportEncryptedPkcs8PrivateKeyPem("key password", new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 1_000)),
        });

        using var ca = IssuingCa.FromPemFiles(certificatePath, keyPath, clock, format == KeyFile.EncryptedPkcs8 ? "key password" : null);
        var issued = TestPki.Authority(ca, clock).IssueFromCsr(TestPki.Request(), TestPki.CsrPem(ECDsa.Create(ECCurve.NamedCurves.nistP256)), IssuanceProfile.Default);

        Assert.Equal(hierarchy.SubCa.Thumbprint, ca.Certificate.Thumbprint);
        Assert.Equal(hierarchy.Root.Thumbprint, Assert.Single(ca.ChainAbove).Thumbprint);
        var chain = TestPki.Pems(issued.ChainPem);
        Assert.Equal([hierarchy.SubCa.Thumbprint, hierarchy.Root.Thumbprint], chain.Select(c => c.Thumbprint));

        var leaf = TestPki.Leaf(issued);
        Assert.Equal(hierarchy.SubCa.SubjectName.RawData, leaf.IssuerName.RawData);
        TestPki.AssertChainBuilds(leaf, hierarchy.Root, chain, clock.GetUtcNow(), expectedLength: 3);
    }

    [Fact]
    public void A_private_key_that_does_not_belong_to_the_certificate_is_refused()
    {
        using var hierarchy = Hierarchy.Create(TestPki.Now, rsa: false);
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var error = Assert.Throws<CertificateAuthorityException>(
            () => IssuingCa.FromPem(PemText.Certificate(hierarchy.SubCa), otherKey.ExportPkcs8PrivateKeyPem(), TestPki.Clock()));
        Assert.Contains("does not belong", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_of_the_wrong_algorithm_is_refused()
    {
        using var hierarchy = Hierarchy.Create(TestPki.Now, rsa: false);
        using var rsa = RSA.Create(2048);

        Assert.Throws<CertificateAuthorityException>(
            () => IssuingCa.FromPem(PemText.Certificate(hierarchy.SubCa), rsa.ExportPkcs8PrivateKeyPem(), TestPki.Clock()));
    }

    [Fact]
    public void A_public_key_in_place_of_the_private_key_is_refused()
    {
        using var hierarchy = Hierarchy.Create(TestPki.Now, rsa: false);

        Assert.Throws<CertificateAuthorityException>(
            () => IssuingCa.FromPem(PemText.Certificate(hierarchy.SubCa), hierarchy.SubKey.ExportSubjectPublicKeyInfoPem(), TestPki.Clock()));
    }

    [Fact]
    public void An_encrypted_key_without_its_password_is_refused()
    {
        using var hierarchy = Hierarchy.Create(TestPki.Now, rsa: false);
        var encrypted = hierarchy.SubKey.ExportEncryptedPkcs8PrivateKeyPem("pw", new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 1_000));

        Assert.Throws<CertificateAuthorityException>(() => IssuingCa.FromPem(PemText.Certificate(hierarchy.SubCa), encrypted, TestPki.Clock()));
        Assert.Throws<CertificateAuthorityException>(() => IssuingCa.FromPem(PemText.Certificate(hierarchy.SubCa), encrypted, TestPki.Clock(), "wrong"));
    }

    [Fact]
    public void A_certificate_that_is_not_a_ca_is_refused()
    {
        using var hierarchy = Hierarchy.Create(TestPki.Now, rsa: false, subIsCa: false);

        var error = Assert.Throws<CertificateAuthorityException>(
            () => IssuingCa.FromPem(PemText.Certificate(hierarchy.SubCa), hierarchy.SubKey.ExportPkcs8PrivateKeyPem(), TestPki.Clock()));
        Assert.Contains("not a CA", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_ca_without_key_cert_sign_is_refused()
    {
        using var hierarchy = Hierarchy.Create(TestPki.Now, rsa: false, subUsage: X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature);

        var error = Assert.Throws<CertificateAuthorityException>(
            () => IssuingCa.FromPem(PemText.Certificate(hierarchy.SubCa), hierarchy.SubKey.ExportPkcs8PrivateKeyPem(), TestPki.Clock()));
        Assert.Contains("keyCertSign", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_ca_outside_its_validity_is_refused()
    {
        using var hierarchy = Hierarchy.Create(TestPki.Now, rsa: false);
        var clock = TestPki.Clock();
        clock.Advance(TimeSpan.FromDays(400));

        Assert.Throws<CertificateAuthorityException>(
            () => IssuingCa.FromPem(PemText.Certificate(hierarchy.SubCa), hierarchy.SubKey.ExportPkcs8PrivateKeyPem(), clock));
    }

    [Fact]
    public void A_chain_out_of_order_is_refused()
    {
        using var hierarchy = Hierarchy.Create(TestPki.Now, rsa: false);
        using var stranger = TestPki.Root(TestPki.Clock());

        var error = Assert.Throws<CertificateAuthorityException>(() => IssuingCa.FromPem(
            PemText.Certificates([hierarchy.SubCa, stranger.Certificate]), hierarchy.SubKey.ExportPkcs8PrivateKeyPem(), TestPki.Clock()));
        Assert.Contains("out of order", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Files_without_a_certificate_or_that_do_not_exist_are_refused()
    {
        using var hierarchy = Hierarchy.Create(TestPki.Now, rsa: false);
        var keyPem = hierarchy.SubKey.ExportPkcs8PrivateKeyPem();

        Assert.Throws<CertificateAuthorityException>(() => IssuingCa.FromPem(keyPem, keyPem, TestPki.Clock()));
        Assert.Throws<CertificateAuthorityException>(
            () => IssuingCa.FromPemFiles(Path.Combine(_directory, "missing.pem"), Write("ca.key", keyPem), TestPki.Clock()));
    }

    private string Write(string name, string contents)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, contents);
        return path;
    }

    /// <summary>An operator's two-level PKI made with plain .NET, independent of the code under test.</summary>
    private sealed class Hierarchy : IDisposable
    {
        private Hierarchy(X509Certificate2 root, X509Certificate2 subCa, AsymmetricAlgorithm subKey)
        {
            Root = root;
            SubCa = subCa;
            SubKey = subKey;
        }

        public X509Certificate2 Root { get; }

        public X509Certificate2 SubCa { get; }

        public AsymmetricAlgorithm SubKey { get; }

        public static Hierarchy Create(
            DateTimeOffset now, bool rsa, bool subIsCa = true, X509KeyUsageFlags subUsage = X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign)
        {
            using AsymmetricAlgorithm rootKey = rsa ? RSA.Create(2048) : ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var rootRequest = RequestFor("CN=Operator Root CA, O=Example", rootKey);
            rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
            rootRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(rootRequest.PublicKey, false));
            using var rootWithKey = rootRequest.CreateSelfSigned(now.AddYears(-2), now.AddYears(10));

            AsymmetricAlgorithm subKey = rsa ? RSA.Create(2048) : ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var subRequest = RequestFor("CN=Operator Issuing CA, O=Example", subKey);
            subRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(subIsCa, subIsCa, 0, true));
            subRequest.CertificateExtensions.Add(new X509KeyUsageExtension(subUsage, true));
            subRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(subRequest.PublicKey, false));
            subRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(rootWithKey, true, false));
            var subCa = subRequest.Create(rootWithKey, now.AddDays(-30), now.AddDays(365), RandomNumberGenerator.GetBytes(16));

            return new Hierarchy(X509CertificateLoader.LoadCertificate(rootWithKey.RawData), subCa, subKey);
        }

        public void Dispose() => SubKey.Dispose();

        private static CertificateRequest RequestFor(string subject, AsymmetricAlgorithm key) => key switch
        {
            RSA rsa => new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            ECDsa ecdsa => new CertificateRequest(subject, ecdsa, HashAlgorithmName.SHA256),
            _ => throw new ArgumentException("RSA or ECDSA only.", nameof(key)),
        };
    }
}
