namespace Certctl.Client.Models;

/// <summary>The body of <c>POST /api/v1/certificates</c>.</summary>
public sealed record CertificateCreateRequest(
    string Name,
    string CommonName,
    string OwnerId,
    string TeamId,
    string IssuerId,
    string RenewalPolicyId)
{
    public string? Id { get; init; }

    public IReadOnlyList<string>? Sans { get; init; }

    public string? Environment { get; init; }

    public string? CertificateProfileId { get; init; }

    /// <summary><c>agent</c> (default) or <c>server</c>.</summary>
    public string? KeygenMode { get; init; }

    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    public IReadOnlyList<string>? TargetIds { get; init; }
}
