namespace Certctl.Client.Models;

/// <summary>One issued version of a certificate.</summary>
public sealed record CertificateVersion(
    string Id,
    string CertificateId,
    string IssuerId,
    string SerialNumber,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    string FingerprintSha256,
    string PemChain,
    string? CsrPem,
    string KeyAlgorithm,
    int KeySize,
    string? JobId,
    DateTimeOffset CreatedAt);

/// <summary>One keyset page of versions, newest first.</summary>
public sealed record CertificateVersionPage(IReadOnlyList<CertificateVersion> Data, string? NextCursor, int Limit);
