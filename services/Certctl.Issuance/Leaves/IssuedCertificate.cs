namespace Certctl.Issuance;

/// <summary>A signed leaf and what a <c>certificate_versions</c> row records about it.</summary>
/// <param name="CertificatePem">The leaf alone (PEM).</param>
/// <param name="ChainPem">The issuing CA and any certificates above it (PEM), leaf excluded.</param>
/// <param name="SerialNumber">Canonical lower-case hex without leading zeros, as OCSP, ARI and revocation look it up.</param>
/// <param name="FingerprintSha256">Lower-case hex SHA-256 of the leaf's DER.</param>
/// <param name="SubjectKey">The leaf key's type and size (<c>key_algorithm</c>, <c>key_size</c>).</param>
/// <param name="AuthorityKeyIdentifier">Lower-case hex; with the serial it forms the ARI certificate id.</param>
/// <param name="ValidityLimitedBy">Which bound decided the lifetime.</param>
public sealed record IssuedCertificate(
    string CertificatePem,
    string ChainPem,
    string SerialNumber,
    string FingerprintSha256,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    KeySpec SubjectKey,
    string AuthorityKeyIdentifier,
    ValidityLimit ValidityLimitedBy)
{
    /// <summary>Leaf then chain: what a server is configured with, and what <c>pem_chain</c> stores.</summary>
    public string FullChainPem => CertificatePem + ChainPem;
}
