using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Certctl.Agent.Client;

namespace Certctl.Agent.Discovery;

/// <summary>What one scan found, and what it could not read.</summary>
public sealed record DiscoveryScan(IReadOnlyList<DiscoveredCertificate> Certificates, IReadOnlyList<string> Errors);

/// <summary>
/// Walks folders for certificates already on the host (reference §6.1): skips files over 1 MB, <c>.key</c> files and files
/// without an extension; reads <c>.der</c> as one DER certificate and everything else as PEM.
/// </summary>
public sealed class CertificateDiscovery(ILogger<CertificateDiscovery> logger)
{
    /// <summary>Files larger than this are not certificates worth reading.</summary>
    public const long MaxFileBytes = 1024 * 1024;

    /// <summary>Scans <paramref name="folders"/> recursively.</summary>
    public DiscoveryScan Scan(IEnumerable<string> folders, CancellationToken cancellationToken)
    {
        var certificates = new List<DiscoveredCertificate>();
        var errors = new List<string>();
        foreach (var folder in folders)
        {
            if (!Directory.Exists(folder))
            {
                errors.Add($"{folder}: no such folder");
                continue;
            }

            var walk = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = false, AttributesToSkip = FileAttributes.None };
            IEnumerator<string> files;
            try
            {
                files = Directory.EnumerateFiles(folder, "*", walk).GetEnumerator();
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                errors.Add($"{folder}: {exception.Message}");
                continue;
            }

            using (files)
            {
                while (Next(files, folder, errors))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    ReadFile(files.Current, certificates, errors);
                }
            }
        }

        logger.LogDebug("Discovery scan: {Certificates} certificates, {Errors} errors", certificates.Count, errors.Count);
        return new DiscoveryScan(certificates, errors);
    }

    // An unreadable sub-folder ends the walk of its folder, but is reported rather than thrown.
    private static bool Next(IEnumerator<string> files, string folder, List<string> errors)
    {
        try
        {
            return files.MoveNext();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            errors.Add($"{folder}: {exception.Message}");
            return false;
        }
    }

    private static void ReadFile(string path, List<DiscoveredCertificate> certificates, List<string> errors)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is "" or ".key")
        {
            return;
        }

        try
        {
            var info = new FileInfo(path);
            if (info.LinkTarget is not null || info.Length > MaxFileBytes)
            {
                return; // links would report one file twice (or point out of the folder); large files are not certificates
            }

            if (extension == ".der")
            {
                var der = File.ReadAllBytes(path);
                certificates.Add(Describe(X509CertificateLoader.LoadCertificate(der), path, "DER"));
                return;
            }

            foreach (var pem in CertificateBlocks(File.ReadAllText(path)))
            {
                certificates.Add(Describe(X509Certificate2.CreateFromPem(pem), path, "PEM"));
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or CryptographicException)
        {
            errors.Add($"{path}: {exception.Message}");
        }
    }

    private static List<string> CertificateBlocks(string text)
    {
        var blocks = new List<string>();
        var offset = 0;
        while (PemEncoding.TryFind(text.AsSpan(offset), out var fields))
        {
            var rest = text.AsSpan(offset);
            if (rest[fields.Label].SequenceEqual("CERTIFICATE"))
            {
                blocks.Add(rest[fields.Location].ToString());
            }

            offset += fields.Location.End.Value;
        }

        return blocks;
    }

    private static DiscoveredCertificate Describe(X509Certificate2 certificate, string path, string format)
    {
        using (certificate)
        {
            var (algorithm, size) = KeyOf(certificate);
            var basic = certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault();
            var sans = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault()?.EnumerateDnsNames().ToList() ?? [];
            return new DiscoveredCertificate(
                Convert.ToHexStringLower(SHA256.HashData(certificate.RawDataMemory.Span)),
                certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false),
                sans,
                certificate.SerialNumber.ToLowerInvariant(),
                certificate.Issuer,
                certificate.Subject,
                new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero),
                new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero),
                algorithm,
                size,
                basic?.CertificateAuthority ?? false,
                PemEncoding.WriteString("CERTIFICATE", certificate.RawData) + "\n",
                path,
                format);
        }
    }

    private static (string Algorithm, int Size) KeyOf(X509Certificate2 certificate)
    {
        using (var ecdsa = certificate.GetECDsaPublicKey())
        {
            if (ecdsa is not null)
            {
                return ("ECDSA", ecdsa.KeySize);
            }
        }

        using (var rsa = certificate.GetRSAPublicKey())
        {
            if (rsa is not null)
            {
                return ("RSA", rsa.KeySize);
            }
        }

        return certificate.PublicKey.Oid.Value == "1.3.101.112" ? ("Ed25519", 256) : (certificate.PublicKey.Oid.FriendlyName ?? certificate.PublicKey.Oid.Value ?? "unknown", 0);
    }
}
