using Refit;

namespace Certctl.Client.Models;

/// <summary>The query of <c>GET /api/v1/certificates</c>; null members are left out.</summary>
public sealed record CertificateListQuery
{
    [AliasAs("limit")]
    public int? Limit { get; init; }

    [AliasAs("cursor")]
    public string? Cursor { get; init; }

    /// <summary>Exact status wire name, such as <c>Active</c>.</summary>
    [AliasAs("status")]
    public string? Status { get; init; }

    [AliasAs("issuer_id")]
    public string? IssuerId { get; init; }

    [AliasAs("owner_id")]
    public string? OwnerId { get; init; }

    [AliasAs("team_id")]
    public string? TeamId { get; init; }

    [AliasAs("profile_id")]
    public string? ProfileId { get; init; }

    [AliasAs("name_prefix")]
    public string? NamePrefix { get; init; }

    [AliasAs("expires_before")]
    [Query(Format = "O")]
    public DateTimeOffset? ExpiresBefore { get; init; }

    [AliasAs("expires_after")]
    [Query(Format = "O")]
    public DateTimeOffset? ExpiresAfter { get; init; }

    /// <summary><c>created_at</c> (default) or <c>expires_at</c> (certificates without an expiry are left out).</summary>
    [AliasAs("sort")]
    public string? Sort { get; init; }
}
