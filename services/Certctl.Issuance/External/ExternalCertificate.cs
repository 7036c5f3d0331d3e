using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Certctl.Issuance;

/// <summary>Reads what an external CA returned (a PEM bundle, leaf first) into the <see cref="IssuedCertificate"/> a version row records.</summary>
public static class ExternalCertificate
{
    /// <summary>Parses the bundle and checks that the leaf certifies <paramref name="expectedSubjectPublicKeyInfo"/>.</summary>
    /// <exception cref="CertificateAuthorityException">The bundle has no certificate or one that does not parse (the CA's fault, not the requester's).</exception>
    /// <exception cref="IssuerRejectedException">The leaf certifies another key than the one in the CSR.</exception>
    public static IssuedCertificate FromPemBundle(string pemBundle, ReadOnlySpan<byte> expectedSubjectPublicKeyInfo)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPem(pemBundle);
        }
        catch (CryptographicException ex)
        {
            throw new CertificateAuthorityException("The CA returned a certificate bundle that does not parse.", ex);
        }

        if (certificates.Count == 0)
        {
            throw new CertificateAuthorityException("The CA returned no certificate.");
        }

        try
        {
            var leaf = certificates[0];
            if (!leaf.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(expectedSubjectPublicKeyInfo))
            {
                throw new IssuerRejectedException("The CA returned a certificate for another key than the CSR's.");
            }

            var aki = leaf.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().FirstOrDefault()?.KeyIdentifier;
            return new IssuedCertificate(
                PemText.Certificate(leaf),
                PemText.Certificates(certificates.Skip(1)),
                CertificateSerialNumber.ToHex(leaf.SerialNumberBytes.Span),
                Convert.ToHexStringLower(SHA256.HashData(leaf.RawDataMemory.Span)),
                new DateTimeOffset(leaf.NotBefore.ToUniversalTime(), TimeSpan.Zero),
                new DateTimeOffset(leaf.NotAfter.ToUniversalTime(), TimeSpan.Zero),
                SubjectPublicKeys.Inspect(leaf.PublicKey, out _),
                aki is { } identifier ? Convert.ToHexStringLower(identifier.Span) : "",
                ValidityLimit.ExternalIssuer);
        }
        finally
        {
            foreach (var certificate in certificates)
            {
                certificate.Dispose();
            }
        }
    }
}
