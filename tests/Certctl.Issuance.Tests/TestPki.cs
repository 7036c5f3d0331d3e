using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Time.Testing;

namespace Certctl.Issuance.Tests;

/// <summary>Clocks, CAs, CSRs and certificate readers shared by the tests.</summary>
internal static class TestPki
{
    /// <summary>A fixed instant with a fraction of a second, so truncation to whole seconds is visible.</summary>
    public static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, 750, TimeSpan.Zero);

    /// <summary>Few PBKDF2 rounds: the tests exercise the format, not the work factor.</summary>
    public static readonly CaKeyProtection FastProtection = new("correct horse battery staple", iterations: 1_000);

    public static FakeTimeProvider Clock() => new(Now);

    public static IssuingCa Root(TimeProvider time, KeySpec? key = null, TimeSpan? validity = null) =>
        IssuingCa.CreateSelfSignedRoot(
            new RootCaOptions { CommonName = "Certctl Test Root", Key = key ?? KeySpec.EcdsaP256, Validity = validity ?? TimeSpan.FromDays(3650) },
            time);

    public static LocalCertificateAuthority Authority(IssuingCa ca, TimeProvider time, LocalCaOptions? options = null) =>
        new(ca, options ?? new LocalCaOptions(), time);

    public static LeafRequest Request(string? commonName = "api.example.com", params string[] sans) =>
        new() { CommonName = commonName, SubjectAlternativeNames = sans };

    public static string CsrPem(AsymmetricAlgorithm key, string subject = "CN=csr.example.com", params string[] dnsNames) =>
        CsrRequest(key, subject, dnsNames).CreateSigningRequestPem();

    public static byte[] CsrDer(AsymmetricAlgorithm key, string subject = "CN=csr.example.com", params string[] dnsNames) =>
        CsrRequest(key, subject, dnsNames).CreateSigningRequest();

    public static X509Certificate2 Leaf(IssuedCertificate issued) => X509Certificate2.CreateFromPem(issued.CertificatePem);

    public static X509Certificate2Collection Pems(string pem)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPem(pem);
        return collection;
    }

    /// <summary>Builds the chain as a relying party that trusts only <paramref name="root"/> would, at <paramref name="at"/>.</summary>
    public static X509Chain Chain(X509Certificate2 leaf, X509Certificate2 root, IEnumerable<X509Certificate2> intermediates, DateTimeOffset at, string? requiredUsage = ExtendedKeyUsageOids.ServerAuth)
    {
        var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.ExtraStore.AddRange(intermediates.ToArray());
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.VerificationTime = at.UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        if (requiredUsage is not null)
        {
            chain.ChainPolicy.ApplicationPolicy.Add(new Oid(requiredUsage));
        }

        return chain;
    }

    public static void AssertChainBuilds(X509Certificate2 leaf, X509Certificate2 root, IEnumerable<X509Certificate2> intermediates, DateTimeOffset at, int expectedLength, string? requiredUsage = ExtendedKeyUsageOids.ServerAuth)
    {
        using var chain = Chain(leaf, root, intermediates, at, requiredUsage);
        var built = chain.Build(leaf);
        Assert.True(built, string.Join("; ", chain.ChainStatus.Select(status => $"{status.Status}: {status.StatusInformation}")));
        Assert.Equal(expectedLength, chain.ChainElements.Count);
        Assert.Equal(root.Thumbprint, chain.ChainElements[^1].Certificate.Thumbprint);
    }

    /// <summary>The SAN extension's entries in encoded order, as "DNS:…", "IP:…", "email:…", "URI:…".</summary>
    public static List<string> SubjectAlternativeNames(X509Certificate2 certificate)
    {
        var extension = certificate.Extensions["2.5.29.17"] ?? throw new InvalidOperationException("No SAN extension.");
        var names = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadSequence();
        var result = new List<string>();
        while (names.HasData)
        {
            var tag = names.PeekTag();
            result.Add(tag.TagValue switch
            {
                1 => "email:" + names.ReadCharacterString(UniversalTagNumber.IA5String, tag),
                2 => "DNS:" + names.ReadCharacterString(UniversalTagNumber.IA5String, tag),
                6 => "URI:" + names.ReadCharacterString(UniversalTagNumber.IA5String, tag),
                7 => "IP:" + new IPAddress(names.ReadOctetString(tag)),
                _ => throw new InvalidOperationException($"Unexpected GeneralName tag {tag}."),
            });
        }

        return result;
    }

    /// <summary>The fullName URIs of a CRL distribution points extension.</summary>
    public static List<string> CrlDistributionPointUrls(X509Certificate2 certificate)
    {
        var extension = certificate.Extensions["2.5.29.31"] ?? throw new InvalidOperationException("No CDP extension.");
        var points = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadSequence();
        var urls = new List<string>();
        while (points.HasData)
        {
            var point = points.ReadSequence();
            var pointName = point.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0));
            var fullName = pointName.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0));
            while (fullName.HasData)
            {
                urls.Add(fullName.ReadCharacterString(UniversalTagNumber.IA5String, new Asn1Tag(TagClass.ContextSpecific, 6)));
            }
        }

        return urls;
    }

    public static byte[] Rfc7093KeyId(PublicKey key) => SHA256.HashData(key.EncodedKeyValue.RawData)[..20];

    private static CertificateRequest CsrRequest(AsymmetricAlgorithm key, string subject, string[] dnsNames)
    {
        var request = key switch
        {
            RSA rsa => new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            ECDsa ecdsa => new CertificateRequest(subject, ecdsa, HashAlgorithmName.SHA256),
            _ => throw new ArgumentException("RSA or ECDSA only.", nameof(key)),
        };
        if (dnsNames.Length > 0)
        {
            var sans = new SubjectAlternativeNameBuilder();
            foreach (var name in dnsNames)
            {
                sans.AddDnsName(name);
            }

            request.CertificateExtensions.Add(sans.Build());
        }

        return request;
    }
}
