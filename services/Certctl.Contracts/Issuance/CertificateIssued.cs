namespace Certctl.Contracts;

/// <summary>Event: a new certificate version was stored and its job completed.</summary>
public sealed record CertificateIssued(
    string JobId,
    string CertificateId,
    string VersionId,
    string SerialNumber,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    DateTimeOffset IssuedAt);
