namespace Certctl.Client.Models;

/// <summary>A certificate found by an agent or the network scanner, with its triage status (Unmanaged, Managed, Dismissed).</summary>
public sealed record DiscoveredCertificate(
    string Id,
    string FingerprintSha256,
    string CommonName,
    string[] Sans,
    string SerialNumber,
    string IssuerDn,
    string SubjectDn,
    DateTimeOffset? NotBefore,
    DateTimeOffset? NotAfter,
    string KeyAlgorithm,
    int KeySize,
    bool IsCa,
    string? PemData,
    string SourcePath,
    string SourceFormat,
    string AgentId,
    string? DiscoveryScanId,
    string? ManagedCertificateId,
    string Status,
    DateTimeOffset FirstSeenAt,
    DateTimeOffset LastSeenAt,
    DateTimeOffset? DismissedAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>Body of a claim: the managed certificate the discovered one is.</summary>
public sealed record ClaimDiscoveredCertificateRequest(string CertificateId);
