using Certctl.Domain;
using Certctl.Issuance;

namespace Certctl.CaConnector.Issuance;

/// <summary>A job as the consumer sees it: its state, the certificate's names and issuer, the profile, and any version it already produced.</summary>
public sealed record IssuanceJob(
    string JobId,
    JobStatus Status,
    int Attempts,
    int MaxAttempts,
    string? CsrPem,
    string CertificateId,
    string IssuerId,
    KeygenMode KeygenMode,
    LeafRequest Leaf,
    IssuanceProfile Profile,
    StoredVersion? Version);

/// <summary>The version a job already produced: what <c>CertificateIssued</c> reports.</summary>
public sealed record StoredVersion(
    string VersionId, string SerialNumber, DateTimeOffset NotBefore, DateTimeOffset NotAfter, DateTimeOffset CreatedAt, int DeploymentJobs = 0);
