using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Certctl.Issuance;

/// <summary>
/// A CA certificate with its private key, ready to sign leaves: either a self-signed root this engine made, or an
/// operator's CA (usually a sub-CA) loaded from PEM. The key stays loaded for the life of the process.
/// </summary>
public sealed partial class IssuingCa : IDisposable
{
    /// <summary>
    /// How far notBefore is moved into the past, for the CA here and for every leaf: a relying party whose clock
    /// runs a little behind the CA's would otherwise reject a certificate in the first seconds after issuance as
    /// "not yet valid". A minute covers ordinary NTP-synchronised skew without giving away real lifetime.
    /// </summary>
    public static readonly TimeSpan Backdate = TimeSpan.FromMinutes(1);

    private readonly SigningKeyPool _keys;
    private readonly X500DistinguishedName _name;

    private IssuingCa(X509Certificate2 certificate, IReadOnlyList<X509Certificate2> chainAbove, AsymmetricAlgorithm privateKey, KeySpec key)
    {
        Certificate = certificate;
        ChainAbove = chainAbove;
        Key = key;
        _keys = new SigningKeyPool(privateKey);
        _name = certificate.SubjectName;
        SubjectPublicKeyInfo = certificate.PublicKey.ExportSubjectPublicKeyInfo();
        KeyIdentifier = certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().FirstOrDefault()?.SubjectKeyIdentifierBytes.ToArray()
            ?? SubjectPublicKeys.KeyIdentifier(certificate.PublicKey);
        ChainPem = PemText.Certificates([certificate, .. chainAbove]);
        NotBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero);
        NotAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        SignatureHash = SignatureHashFor(key);
    }

    /// <summary>The certificate that signs leaves (their issuer).</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The certificates above <see cref="Certificate"/>, nearest first; empty for a root.</summary>
    public IReadOnlyList<X509Certificate2> ChainAbove { get; }

    /// <summary>The CA key's type and size.</summary>
    public KeySpec Key { get; }

    /// <summary>The CA's subject key identifier, which every leaf carries as its authority key identifier.</summary>
    public ReadOnlyMemory<byte> KeyIdentifier { get; }

    /// <summary>The chain a leaf is served with: <see cref="Certificate"/> then <see cref="ChainAbove"/>, as PEM.</summary>
    public string ChainPem { get; }

    public DateTimeOffset NotBefore { get; }

    public DateTimeOffset NotAfter { get; }

    internal HashAlgorithmName SignatureHash { get; }

    internal byte[] SubjectPublicKeyInfo { get; }

    /// <summary>Makes a self-signed root: basicConstraints CA (critical), keyUsage keyCertSign|cRLSign (critical), SKI, random 159-bit serial.</summary>
    /// <exception cref="CertificateAuthorityException">The options ask for something this engine does not make.</exception>
    public static IssuingCa CreateSelfSignedRoot(RootCaOptions options, TimeProvider time)
    {
        var commonName = options.CommonName?.Trim();
        if (string.IsNullOrEmpty(commonName) || commonName.Length > CertificateNames.MaxCommonNameLength)
        {
            throw new CertificateAuthorityException($"The root CA's common name must be 1 to {CertificateNames.MaxCommonNameLength} characters.");
        }

        if (!KeySpec.Generatable.Contains(options.Key))
        {
            throw new CertificateAuthorityException($"A root CA key of {options.Key} is not supported; use ECDSA P-256/P-384 or RSA 2048/3072/4096.");
        }

        if (options.Validity < TimeSpan.FromDays(1))
        {
            throw new CertificateAuthorityException("A root CA must be valid for at least a day.");
        }

        // The builder takes RDNs most specific first (as they are displayed) and encodes them in reverse: O, then CN.
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(commonName);
        if (!string.IsNullOrWhiteSpace(options.Organization))
        {
            subject.AddOrganizationName(options.Organization.Trim());
        }

        var name = subject.Build();

        var key = SubjectPublicKeys.Generate(options.Key);
        try
        {
            var publicKey = new PublicKey(key);
            var keyId = SubjectPublicKeys.KeyIdentifier(publicKey);
            var request = new CertificateRequest(name, publicKey, SignatureHashFor(options.Key));
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(keyId, critical: false));
            request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(keyId));

            var notBefore = TruncateToSeconds(time.GetUtcNow()) - Backdate;
            var certificate = request.Create(name, SignatureGenerator(key), notBefore, notBefore + options.Validity, CertificateSerialNumber.NewRandom());
            return new IssuingCa(certificate, [], key, options.Key);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>The form an <see cref="ICaKeyStore"/> keeps: the certificate and the key encrypted by <paramref name="protection"/>.</summary>
    public StoredCaKey Export(CaKeyProtection protection) =>
        new(PemText.Certificate(Certificate), _keys.UseOriginal(protection.Protect));

    public void Dispose() => _keys.Dispose();

    internal X509Certificate2 Sign(CertificateRequest request, DateTimeOffset notBefore, DateTimeOffset notAfter, byte[] serialNumber) =>
        _keys.Use(key => request.Create(_name, SignatureGenerator(key), notBefore, notAfter, serialNumber));

    /// <exception cref="CertificateAuthorityException">The CA is not valid at <paramref name="now"/>.</exception>
    internal void EnsureValidAt(DateTimeOffset now)
    {
        if (now < NotBefore || now >= NotAfter)
        {
            throw new CertificateAuthorityException(
                $"The issuing CA '{Certificate.Subject}' is valid from {NotBefore:O} to {NotAfter:O}, not at {now:O}.");
        }
    }

    internal static DateTimeOffset TruncateToSeconds(DateTimeOffset value) =>
        new(value.UtcTicks - (value.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

    private static X509SignatureGenerator SignatureGenerator(AsymmetricAlgorithm key) => key switch
    {
        // PKCS#1 v1.5, not PSS: PSS-signed certificates still break too many TLS stacks.
        RSA rsa => X509SignatureGenerator.CreateForRSA(rsa, RSASignaturePadding.Pkcs1),
        ECDsa ecdsa => X509SignatureGenerator.CreateForECDsa(ecdsa),
        _ => throw new CertificateAuthorityException($"A CA key of type {key.GetType().Name} cannot sign."),
    };

    // The hash matches the key's strength, as RFC 5480 §4 pairs them for ECDSA.
    private static HashAlgorithmName SignatureHashFor(KeySpec key) => key switch
    {
        { Algorithm: KeyAlgorithm.Ecdsa, Size: 384 } => HashAlgorithmName.SHA384,
        { Algorithm: KeyAlgorithm.Ecdsa, Size: 521 } => HashAlgorithmName.SHA512,
        _ => HashAlgorithmName.SHA256,
    };
}
