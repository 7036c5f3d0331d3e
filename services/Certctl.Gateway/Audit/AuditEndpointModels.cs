using System.Text.Json;
using Microsoft.AspNetCore.Mvc;

namespace Certctl.Gateway.Audit;

/// <summary>One row of the append-only audit trail.</summary>
public sealed record AuditEventResponse(
    long Id,
    string Actor,
    string ActorType,
    string Action,
    string ResourceType,
    string ResourceId,
    JsonElement Details,
    string? RequestId,
    string? BodySha256,
    int? StatusCode,
    int? LatencyMs,
    DateTimeOffset OccurredAt);

/// <summary>The filters of <c>GET /audit</c>, bound with <c>[AsParameters]</c>: exact actor and resource, and an occurred_at range.</summary>
public sealed class AuditListQuery
{
    [FromQuery(Name = "actor")]
    public string? Actor { get; init; }

    [FromQuery(Name = "resource_type")]
    public string? ResourceType { get; init; }

    [FromQuery(Name = "resource_id")]
    public string? ResourceId { get; init; }

    /// <summary>Occurred at or after this instant (RFC 3339).</summary>
    [FromQuery(Name = "from")]
    public string? From { get; init; }

    /// <summary>Occurred strictly before this instant (RFC 3339).</summary>
    [FromQuery(Name = "to")]
    public string? To { get; init; }
}
