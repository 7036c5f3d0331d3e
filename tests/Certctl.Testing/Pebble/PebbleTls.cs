using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Certctl.Testing;

/// <summary>
/// The TLS certificate pebble serves its API with (Debian's package ships none): a throwaway root and a leaf for
/// <c>localhost</c> and 127.0.0.1, written as PEM files.
/// </summary>
internal static class PebbleTls
{
    /// <summary>Writes <c>tls-root.pem</c>, <c>tls-cert.pem</c> and <c>tls-key.pem</c> into <paramref name="folder"/>.</summary>
    public static (string RootPath, string CertificatePath, string KeyPath) Write(string folder)
    {
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootRequest = new CertificateRequest("CN=Certctl test pebble TLS root", rootKey, HashAlgorithmName.SHA256);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var now = DateTimeOffset.UtcNow;
        using var root = rootRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(2));

        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafRequest = new CertificateRequest("CN=localhost", leafKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        leafRequest.CertificateExtensions.Add(names.Build());
        leafRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        leafRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var leaf = leafRequest.Create(root, now.AddMinutes(-5), now.AddDays(1), RandomNumberGenerator.GetBytes(16));

        var rootPath = Path.Combine(folder, "tls-root.pem");
        var certificatePath = Path.Combine(folder, "tls-cert.pem");
        var keyPath = Path.Combine(folder, "tls-key.pem");
        File.WriteAllText(rootPath, root.ExportCertificatePem());
        File.WriteAllText(certificatePath, leaf.ExportCertificatePem());
        File.WriteAllText(keyPath, leafKey.ExportECPrivateKeyPem());
        return (rootPath, certificatePath, keyPath);
    }
}
