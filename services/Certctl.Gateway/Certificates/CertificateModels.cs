using System.Text.Json.Serialization;

namespace Certctl.Gateway.Certificates;

/// <summary>A managed certificate as the operator API shows it; <c>target_ids</c> comes from the mapping table.</summary>
public sealed record CertificateResponse(
    string Id,
    string Name,
    string CommonName,
    IReadOnlyList<string> Sans,
    string Environment,
    string? OwnerId,
    string? TeamId,
    string IssuerId,
    IReadOnlyList<string> TargetIds,
    string? RenewalPolicyId,
    string? CertificateProfileId,
    string KeygenMode,
    string Status,
    DateTimeOffset? ExpiresAt,
    IReadOnlyDictionary<string, string> Tags,
    DateTimeOffset? LastRenewalAt,
    DateTimeOffset? LastDeploymentAt,
    DateTimeOffset? RevokedAt,
    string? RevocationReason,
    string Source,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>The body of <c>POST /certificates</c>; <c>target_ids</c> are stored in the same transaction.</summary>
public sealed record CreateCertificateRequest(
    string? Id,
    string? Name,
    string? CommonName,
    string[]? Sans,
    string? Environment,
    string? OwnerId,
    string? TeamId,
    string? IssuerId,
    string? RenewalPolicyId,
    string? CertificateProfileId,
    string? KeygenMode,
    Dictionary<string, string>? Tags,
    string[]? TargetIds);

/// <summary>
/// The body of <c>PUT /certificates/{id}</c>: fields left out keep their value; <c>target_ids</c>, when present, replaces the
/// mappings. <c>status</c> is only here to be refused: status changes go through renew, revoke and DELETE.
/// </summary>
public sealed record UpdateCertificateRequest(
    string? Name,
    string? CommonName,
    string[]? Sans,
    string? Environment,
    string? OwnerId,
    string? TeamId,
    string? IssuerId,
    string? RenewalPolicyId,
    string? CertificateProfileId,
    string? KeygenMode,
    Dictionary<string, string>? Tags,
    string[]? TargetIds,
    string? Status);

/// <summary>The body of <c>PUT /certificates/{id}/targets</c>: the complete new set of deployment targets.</summary>
public sealed record ReplaceTargetsRequest(string[]? TargetIds);

/// <summary>The body of <c>POST /certificates/{id}/revoke</c>: an RFC 5280 reason name, <c>unspecified</c> when left out.</summary>
public sealed record RevokeCertificateRequest(string? Reason);

/// <summary>The answer to <c>POST /certificates/{id}/renew</c>: the job that will renew (or first issue) the certificate.</summary>
public sealed record RenewalTriggered(string Status, string JobId, string JobType, string JobStatus);

/// <summary>The answer to <c>POST /certificates/{id}/revoke</c>.</summary>
public sealed record CertificateRevoked(string Status, string RevocationId, string SerialNumber, string Reason);

/// <summary>One issued version of a certificate (never its private key).</summary>
public sealed record CertificateVersionResponse(
    string Id,
    string CertificateId,
    string IssuerId,
    string SerialNumber,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    string FingerprintSha256,
    string PemChain,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? CsrPem,
    string KeyAlgorithm,
    int KeySize,
    string? JobId,
    DateTimeOffset CreatedAt);
