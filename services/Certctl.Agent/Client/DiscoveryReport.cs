namespace Certctl.Agent.Client;

/// <summary>Body of <c>POST /api/v1/agents/{id}/discoveries</c> (reference §6.1).</summary>
public sealed record DiscoveryReport(
    string AgentId,
    IReadOnlyList<string> Directories,
    IReadOnlyList<DiscoveredCertificate> Certificates,
    IReadOnlyList<string> Errors,
    long ScanDurationMs);

/// <summary>One certificate found on disk; names follow the <c>discovered_certificates</c> columns.</summary>
public sealed record DiscoveredCertificate(
    string FingerprintSha256,
    string CommonName,
    IReadOnlyList<string> Sans,
    string SerialNumber,
    string IssuerDn,
    string SubjectDn,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    string KeyAlgorithm,
    int KeySize,
    bool IsCa,
    string PemData,
    string SourcePath,
    string SourceFormat);
