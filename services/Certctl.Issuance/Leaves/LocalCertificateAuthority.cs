using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Certctl.Issuance;

/// <summary>
/// The local CA's issuance engine: signs leaves from a PKCS#10 CSR (agent and ACME key modes) or from a key pair it
/// makes itself (server key mode). Thread-safe; signing is bounded by the CPU, not by I/O.
/// </summary>
public sealed class LocalCertificateAuthority
{
    private readonly IssuingCa _ca;
    private readonly LocalCaOptions _options;
    private readonly TimeProvider _time;
    private readonly X509Extension? _crlDistributionPoints;
    private readonly X509Extension? _authorityInformationAccess;

    /// <exception cref="CertificateAuthorityException">The options are inconsistent or a URL is not absolute.</exception>
    public LocalCertificateAuthority(IssuingCa ca, LocalCaOptions options, TimeProvider time)
    {
        _ca = ca;
        _options = options;
        _time = time;

        if (options.DefaultTtl < LeafValidity.MinimumTtl || options.MaxTtl < LeafValidity.MinimumTtl)
        {
            throw new CertificateAuthorityException($"The issuer's default and maximum TTL must each be at least {LeafValidity.MinimumTtl}.");
        }

        var crlUrls = CheckedUrls(options.CrlDistributionPointUrls, "CRL distribution point");
        var ocspUrls = CheckedUrls(options.OcspUrls, "OCSP");
        var caIssuersUrls = CheckedUrls(options.CaIssuersUrls, "CA issuers");
        _crlDistributionPoints = crlUrls.Count == 0 ? null : CertificateRevocationListBuilder.BuildCrlDistributionPointExtension(crlUrls);
        _authorityInformationAccess = ocspUrls.Count + caIssuersUrls.Count == 0
            ? null
            : new X509AuthorityInformationAccessExtension(ocspUrls, caIssuersUrls);
    }

    /// <summary>The issuing CA; the authority uses it but does not own it (dispose of it separately).</summary>
    public IssuingCa Ca => _ca;

    /// <summary>Issues a leaf for the key in <paramref name="csrPem"/>; the CSR's own names and extensions are not used.</summary>
    /// <exception cref="InvalidCsrException">The CSR cannot be parsed or its signature does not verify.</exception>
    /// <exception cref="DisallowedKeyException">Its key is weak, unsupported, the CA's own, or not allowed by the profile.</exception>
    /// <exception cref="InvalidNameException">A name is invalid, or there are none.</exception>
    /// <exception cref="InvalidValidityException">The requested TTL is too short.</exception>
    /// <exception cref="CertificateAuthorityException">The CA cannot sign now.</exception>
    public IssuedCertificate IssueFromCsr(LeafRequest request, string csrPem, IssuanceProfile profile) =>
        IssueFromCsr(request, SigningRequest.FromPem(csrPem), profile);

    /// <summary>As <see cref="IssueFromCsr(LeafRequest, string, IssuanceProfile)"/> for a DER CSR (ACME finalize sends one).</summary>
    public IssuedCertificate IssueFromCsr(LeafRequest request, ReadOnlySpan<byte> csrDer, IssuanceProfile profile) =>
        IssueFromCsr(request, SigningRequest.FromDer(csrDer), profile);

    /// <summary>Server key mode: makes the key pair (ECDSA P-256/P-384 or RSA 2048/3072/4096) and issues a leaf for it.</summary>
    /// <exception cref="DisallowedKeyException">The key type is not one this engine makes, or the profile does not allow it.</exception>
    /// <exception cref="InvalidNameException">A name is invalid, or there are none.</exception>
    /// <exception cref="InvalidValidityException">The requested TTL is too short.</exception>
    /// <exception cref="CertificateAuthorityException">The CA cannot sign now.</exception>
    public ServerKeyIssuance IssueWithServerKey(LeafRequest request, KeySpec key, IssuanceProfile profile)
    {
        if (!KeySpec.Generatable.Contains(key))
        {
            throw new DisallowedKeyException($"Server key mode makes ECDSA P-256/P-384 or RSA 2048/3072/4096 keys, not {key}.");
        }

        EnsureProfileAllows(key, profile);
        var names = CertificateNames.Normalize(request.CommonName, request.SubjectAlternativeNames);
        using var privateKey = SubjectPublicKeys.Generate(key);
        var certificate = Issue(request, names, new PublicKey(privateKey), key, profile);
        return new ServerKeyIssuance(certificate, privateKey.ExportPkcs8PrivateKey());
    }

    private IssuedCertificate IssueFromCsr(LeafRequest request, SigningRequest csr, IssuanceProfile profile)
    {
        var key = SubjectPublicKeys.Inspect(csr.PublicKey, out var weakness);
        if (weakness is not null)
        {
            throw new DisallowedKeyException($"The CSR's key is not accepted: {weakness}.");
        }

        EnsureProfileAllows(key, profile);
        if (key.Algorithm == KeyAlgorithm.Ed25519)
        {
            throw new DisallowedKeyException("The local CA cannot verify Ed25519 CSRs; use an ECDSA or RSA key.");
        }

        if (csr.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(_ca.SubjectPublicKeyInfo))
        {
            throw new DisallowedKeyException("The CSR's key is the CA's own key.");
        }

        csr.VerifySignature();
        var names = CertificateNames.Normalize(request.CommonName, request.SubjectAlternativeNames);
        return Issue(request, names, csr.PublicKey, key, profile);
    }

    private IssuedCertificate Issue(LeafRequest request, CertificateNames names, PublicKey subjectKey, KeySpec key, IssuanceProfile profile)
    {
        var now = _time.GetUtcNow();
        _ca.EnsureValidAt(now);
        var validity = LeafValidity.Compute(now, request.Ttl, profile.MaxTtl, _options, _ca.NotBefore, _ca.NotAfter);

        var leaf = new CertificateRequest(names.ToSubjectName(), subjectKey, _ca.SignatureHash);
        var extensions = leaf.CertificateExtensions;
        extensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));

        // keyEncipherment only where the key can encipher: RSA key transport. An ECDSA key only signs (ECDHE handshakes).
        var keyUsage = key.Algorithm == KeyAlgorithm.Rsa
            ? X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment
            : X509KeyUsageFlags.DigitalSignature;
        extensions.Add(new X509KeyUsageExtension(keyUsage, critical: true));

        var usages = new OidCollection();
        foreach (var usage in (profile.ExtendedKeyUsages.Count == 0 ? [ExtendedKeyUsage.ServerAuth] : profile.ExtendedKeyUsages).Distinct())
        {
            usages.Add(usage.ToOid());
        }

        extensions.Add(new X509EnhancedKeyUsageExtension(usages, critical: false));
        extensions.Add(names.ToSubjectAlternativeNameExtension());
        extensions.Add(new X509SubjectKeyIdentifierExtension(SubjectPublicKeys.KeyIdentifier(subjectKey), critical: false));
        extensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(_ca.KeyIdentifier.Span));
        if (profile.MustStaple || request.MustStaple)
        {
            extensions.Add(LeafExtensions.MustStaple());
        }

        if (_crlDistributionPoints is not null)
        {
            extensions.Add(_crlDistributionPoints);
        }

        if (_authorityInformationAccess is not null)
        {
            extensions.Add(_authorityInformationAccess);
        }

        var serial = CertificateSerialNumber.NewRandom();
        using var certificate = _ca.Sign(leaf, validity.NotBefore, validity.NotAfter, serial);
        return new IssuedCertificate(
            PemText.Certificate(certificate),
            _ca.ChainPem,
            CertificateSerialNumber.ToHex(serial),
            Convert.ToHexStringLower(SHA256.HashData(certificate.RawDataMemory.Span)),
            validity.NotBefore,
            validity.NotAfter,
            key,
            Convert.ToHexStringLower(_ca.KeyIdentifier.Span),
            validity.LimitedBy);
    }

    private static void EnsureProfileAllows(KeySpec key, IssuanceProfile profile)
    {
        if (!profile.AllowedKeyAlgorithms.Any(rule => rule.Allows(key)))
        {
            throw new DisallowedKeyException(
                $"The profile does not allow {key} keys; it allows {string.Join(", ", profile.AllowedKeyAlgorithms)}.");
        }
    }

    private static List<string> CheckedUrls(IReadOnlyList<string> urls, string what)
    {
        foreach (var url in urls)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https" or "ldap"))
            {
                throw new CertificateAuthorityException($"The {what} URL '{url}' is not an absolute http, https or ldap URL.");
            }
        }

        return [.. urls];
    }
}
