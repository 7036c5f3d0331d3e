using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Certctl.Domain;

namespace Certctl.Issuance;

/// <summary>What the CA key signs besides leaves: its CRL, and the certificate of its delegated OCSP responder.</summary>
public sealed partial class IssuingCa
{
    /// <summary>id-kp-OCSPSigning (RFC 6960 §4.2.2.2).</summary>
    public const string OcspSigningOid = "1.3.6.1.5.5.7.3.9";

    /// <summary>id-pkix-ocsp-nocheck (RFC 6960 §4.2.2.2.1): relying parties need not check the responder's own revocation.</summary>
    public const string OcspNoCheckOid = "1.3.6.1.5.5.7.48.1.5";

    /// <summary>
    /// A DER X.509 v2 CRL (RFC 5280 §5) signed by this CA's key: CRL number and authority key identifier extensions, one
    /// entry per revoked serial with its revocation date and, unless it is <c>unspecified</c> (§5.3.1 says leave it out), its reason code.
    /// </summary>
    /// <exception cref="CertificateAuthorityException">The CA certificate's key usage does not allow CRL signing.</exception>
    public byte[] SignCrl(IEnumerable<RevokedSerial> revoked, BigInteger crlNumber, DateTimeOffset thisUpdate, DateTimeOffset nextUpdate)
    {
        var keyUsage = Certificate.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault();
        if (keyUsage is null || !keyUsage.KeyUsages.HasFlag(X509KeyUsageFlags.CrlSign))
        {
            throw new CertificateAuthorityException($"'{Certificate.Subject}' may not sign CRLs (keyUsage lacks cRLSign).");
        }

        var builder = new CertificateRevocationListBuilder();
        foreach (var entry in revoked)
        {
            builder.AddEntry(
                SerialBytes.FromHex(entry.SerialHex),
                TruncateToSeconds(entry.RevokedAt),
                entry.Reason == RevocationReason.Unspecified ? null : (X509RevocationReason)entry.Reason.ToCode());
        }

        var authorityKey = X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(KeyIdentifier.Span);
        return _keys.Use(key => builder.Build(
            _name, SignatureGenerator(key), crlNumber, TruncateToSeconds(nextUpdate), SignatureHash, authorityKey, TruncateToSeconds(thisUpdate)));
    }

    /// <summary>
    /// Issues the certificate of a delegated OCSP responder for <paramref name="responderKey"/>: end entity, digitalSignature,
    /// EKU id-kp-OCSPSigning only, id-pkix-ocsp-nocheck, valid for <paramref name="validity"/> but never past the CA.
    /// </summary>
    /// <exception cref="CertificateAuthorityException">The CA is not valid now.</exception>
    public X509Certificate2 IssueOcspResponder(ECDsa responderKey, TimeSpan validity, DateTimeOffset now)
    {
        EnsureValidAt(now);
        var subject = new X500DistinguishedNameBuilder();
        var commonName = $"{Certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false)} OCSP Responder";
        subject.AddCommonName(commonName.Length > CertificateNames.MaxCommonNameLength ? commonName[..CertificateNames.MaxCommonNameLength] : commonName);
        var publicKey = new PublicKey(responderKey);
        var request = new CertificateRequest(subject.Build(), publicKey, SignatureHash);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(OcspSigningOid)], critical: false));
        request.CertificateExtensions.Add(new X509Extension(new Oid(OcspNoCheckOid), [0x05, 0x00], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(SubjectPublicKeys.KeyIdentifier(publicKey), critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(KeyIdentifier.Span));

        var notBefore = TruncateToSeconds(now) - Backdate;
        var notAfter = TruncateToSeconds(now) + validity;
        if (notAfter > NotAfter)
        {
            notAfter = NotAfter;
        }

        using var signed = Sign(request, notBefore, notAfter, CertificateSerialNumber.NewRandom());
        return X509CertificateLoader.LoadCertificate(signed.RawData);
    }
}
