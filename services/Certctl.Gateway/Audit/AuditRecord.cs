namespace Certctl.Gateway.Audit;

/// <summary>One row of <c>audit_events</c> for an operator API call, waiting in the queue for the batch writer.</summary>
public sealed record AuditRecord(
    string Actor,
    string ActorType,
    string Action,
    string ResourceType,
    string ResourceId,
    string DetailsJson,
    string? RequestId,
    string? BodySha256,
    int StatusCode,
    int LatencyMs,
    DateTimeOffset OccurredAt);
