namespace Certctl.Client.Models;

/// <summary>The body of <c>PUT /api/v1/certificates/{id}</c>: null members keep their stored value; the status is not writable.</summary>
public sealed record CertificateUpdateRequest
{
    public string? Name { get; init; }

    public string? CommonName { get; init; }

    public IReadOnlyList<string>? Sans { get; init; }

    public string? Environment { get; init; }

    public string? OwnerId { get; init; }

    public string? TeamId { get; init; }

    public string? IssuerId { get; init; }

    public string? RenewalPolicyId { get; init; }

    public string? CertificateProfileId { get; init; }

    public string? KeygenMode { get; init; }

    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    /// <summary>When not null, replaces the certificate's deployment targets.</summary>
    public IReadOnlyList<string>? TargetIds { get; init; }
}
