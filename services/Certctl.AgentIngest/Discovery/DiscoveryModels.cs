namespace Certctl.AgentIngest.Discovery;

/// <summary>An agent's filesystem discovery report; the agent is the one in the path.</summary>
public sealed record DiscoveryReport(
    string? AgentId, IReadOnlyList<string>? Directories, IReadOnlyList<DiscoveredCertificate>? Certificates, IReadOnlyList<string>? Errors,
    long? ScanDurationMs);

/// <summary>One certificate found on the host, identified by (fingerprint, agent, path).</summary>
public sealed record DiscoveredCertificate(
    string? FingerprintSha256,
    string? CommonName,
    IReadOnlyList<string>? Sans,
    string? SerialNumber,
    string? IssuerDn,
    string? SubjectDn,
    DateTimeOffset? NotBefore,
    DateTimeOffset? NotAfter,
    string? KeyAlgorithm,
    int? KeySize,
    bool? IsCa,
    string? PemData,
    string? SourcePath,
    string? SourceFormat);

/// <summary>The scan row a report created.</summary>
public sealed record DiscoveryScan(
    string Id, string AgentId, IReadOnlyList<string> Directories, int CertificatesFound, int CertificatesNew, IReadOnlyList<string> Errors,
    long ScanDurationMs, DateTimeOffset StartedAt, DateTimeOffset CompletedAt);
