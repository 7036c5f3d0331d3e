using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Certctl.CaConnector.Tests.FakeVendors;

/// <summary>The fake vendor's CA: a throwaway ECDSA P-256 root that really signs the CSRs it is sent.</summary>
public sealed class ThrowawayCa : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X509Certificate2 _root;

    public ThrowawayCa()
    {
        var request = new CertificateRequest("CN=Fake CertCentral Test Root", _key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        // Outlives every leaf it signs (a leaf may not end after its issuer).
        _root = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(2));
    }

    public X509Certificate2 Root => _root;

    public string RootPem => _root.ExportCertificatePem() + "\n";

    /// <summary>Verifies the CSR's signature and issues a one-year leaf for its key and <paramref name="dnsNames"/>.</summary>
    public string Sign(string csrPem, string commonName, IEnumerable<string> dnsNames)
    {
        var csr = CertificateRequest.LoadSigningRequestPem(csrPem, HashAlgorithmName.SHA256);
        var leaf = new CertificateRequest(new X500DistinguishedName($"CN={commonName}"), csr.PublicKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames.Append(commonName).Distinct())
        {
            names.AddDnsName(name);
        }

        leaf.CertificateExtensions.Add(names.Build());
        leaf.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        leaf.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new("1.3.6.1.5.5.7.3.1")], false));
        leaf.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_root, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var certificate = leaf.Create(_root, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(1), serial);
        return certificate.ExportCertificatePem() + "\n";
    }

    public void Dispose()
    {
        _root.Dispose();
        _key.Dispose();
    }
}
