namespace Certctl.Client.Models;

/// <summary>A managed certificate as <c>/api/v1/certificates</c> returns it.</summary>
public sealed record Certificate(
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
