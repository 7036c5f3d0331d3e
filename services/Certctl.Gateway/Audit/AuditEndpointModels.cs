using System.Text.Json;

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
