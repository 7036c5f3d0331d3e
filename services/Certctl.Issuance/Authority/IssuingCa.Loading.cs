using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Certctl.Issuance;

/// <summary>Loading a CA made elsewhere (an operator's PEM files) or earlier (the stored root), with the checks that make it safe to sign with.</summary>
public sealed partial class IssuingCa
{
    /// <summary>
    /// Loads an operator's CA: <paramref name="certificatePem"/> holds the issuing CA certificate first, optionally
    /// followed by the certificates above it; <paramref name="privateKeyPem"/> is PKCS#8, PKCS#1 (RSA), SEC1 (EC), or
    /// encrypted PKCS#8 with <paramref name="privateKeyPassword"/>.
    /// </summary>
    /// <exception cref="CertificateAuthorityException">
    /// The certificate is not a CA allowed to sign certificates, is outside its validity, the key is weak or does not
    /// match it, or the chain is out of order.
    /// </exception>
    public static IssuingCa FromPem(string certificatePem, string privateKeyPem, TimeProvider time, string? privateKeyPassword = null)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPem(certificatePem);
        }
        catch (CryptographicException ex)
        {
            throw new CertificateAuthorityException("The CA certificate file holds a CERTIFICATE block that cannot be read.", ex);
        }

        if (certificates.Count == 0)
        {
            throw new CertificateAuthorityException("The CA certificate file holds no PEM CERTIFICATE block.");
        }

        var certificate = certificates[0];
        var key = CreateKeyFor(certificate);
        try
        {
            if (privateKeyPem.Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----", StringComparison.Ordinal))
            {
                if (privateKeyPassword is null)
                {
                    throw new CertificateAuthorityException("The CA private key is encrypted and no password was given.");
                }

                key.ImportFromEncryptedPem(privateKeyPem, privateKeyPassword);
            }
            else
            {
                key.ImportFromPem(privateKeyPem);
            }
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new CertificateAuthorityException($"The CA private key cannot be read as a {KeyAlgorithmOf(certificate)} private key: {ex.Message}", ex);
        }

        return Validated(certificate, [.. certificates.Skip(1)], key, time);
    }

    /// <summary>Reads the two files (<c>ca_cert_path</c>, <c>ca_key_path</c>) and loads them as <see cref="FromPem"/> does.</summary>
    public static IssuingCa FromPemFiles(string certificatePath, string privateKeyPath, TimeProvider time, string? privateKeyPassword = null)
    {
        string ReadFile(string path, string what)
        {
            try
            {
                return File.ReadAllText(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new CertificateAuthorityException($"The CA {what} file '{path}' cannot be read: {ex.Message}", ex);
            }
        }

        return FromPem(ReadFile(certificatePath, "certificate"), ReadFile(privateKeyPath, "private key"), time, privateKeyPassword);
    }

    /// <summary>Loads a CA from its stored form.</summary>
    /// <exception cref="CertificateAuthorityException">It cannot be decrypted, or is not a valid CA now.</exception>
    public static IssuingCa FromStored(StoredCaKey stored, CaKeyProtection protection, TimeProvider time)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPem(stored.CertificatePem);
        }
        catch (CryptographicException ex)
        {
            throw new CertificateAuthorityException("The stored CA certificate cannot be read.", ex);
        }

        var key = CreateKeyFor(certificate);
        try
        {
            protection.Unprotect(stored.EncryptedPrivateKey, key);
        }
        catch
        {
            key.Dispose();
            throw;
        }

        return Validated(certificate, [], key, time);
    }

    private static AsymmetricAlgorithm CreateKeyFor(X509Certificate2 certificate) => certificate.PublicKey.Oid.Value switch
    {
        SubjectPublicKeys.RsaOid => RSA.Create(),
        SubjectPublicKeys.EcPublicKeyOid => ECDsa.Create(),
        _ => throw new CertificateAuthorityException($"A CA key of type {KeyAlgorithmOf(certificate)} is not supported; use ECDSA or RSA."),
    };

    private static string KeyAlgorithmOf(X509Certificate2 certificate) => certificate.PublicKey.Oid.FriendlyName ?? certificate.PublicKey.Oid.Value ?? "?";

    private static IssuingCa Validated(X509Certificate2 certificate, IReadOnlyList<X509Certificate2> chainAbove, AsymmetricAlgorithm key, TimeProvider time)
    {
        try
        {
            var basicConstraints = certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault();
            if (basicConstraints is not { CertificateAuthority: true })
            {
                throw new CertificateAuthorityException($"'{certificate.Subject}' is not a CA certificate (basicConstraints cA is not set).");
            }

            var keyUsage = certificate.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault();
            if (keyUsage is null || !keyUsage.KeyUsages.HasFlag(X509KeyUsageFlags.KeyCertSign))
            {
                throw new CertificateAuthorityException($"'{certificate.Subject}' may not sign certificates (keyUsage lacks keyCertSign).");
            }

            var spec = SubjectPublicKeys.Inspect(certificate.PublicKey, out var weakness);
            if (weakness is not null)
            {
                throw new CertificateAuthorityException($"The CA key cannot be used: {weakness}.");
            }

            if (!SubjectPublicKeys.IsPairOf(key, certificate.PublicKey))
            {
                throw new CertificateAuthorityException($"The private key does not belong to the CA certificate '{certificate.Subject}'.");
            }

            var previous = certificate;
            foreach (var above in chainAbove)
            {
                if (!previous.IssuerName.RawData.AsSpan().SequenceEqual(above.SubjectName.RawData))
                {
                    throw new CertificateAuthorityException(
                        $"The CA chain is out of order: '{previous.Subject}' was not issued by the next certificate, '{above.Subject}'.");
                }

                previous = above;
            }

            var ca = new IssuingCa(certificate, chainAbove, key, spec);
            ca.EnsureValidAt(time.GetUtcNow());
            return ca;
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }
}
