using System.Text.Json;
using System.Text.Json.Serialization;

namespace Certctl.Client.Models;

/// <summary>A job (issuance, renewal, deployment or validation).</summary>
public sealed record Job(
    string Id,
    string Type,
    string CertificateId,
    string? TargetId,
    string? AgentId,
    string Status,
    int Attempts,
    int MaxAttempts,
    string? LastError,
    DateTimeOffset ScheduledAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt,
    string? RequestedBy,
    string? ApprovedBy,
    DateTimeOffset? ApprovalDecidedAt,
    string VerificationStatus,
    DateTimeOffset? VerifiedAt,
    string? VerificationError,
    string? VerificationFingerprint,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>One keyset page of a list; pass <see cref="NextCursor"/> back as <c>cursor</c> until it is null.</summary>
public sealed record OperationsPage<T>(IReadOnlyList<T> Data, string? NextCursor, int Limit);

/// <summary>The answer to cancel, approve and reject.</summary>
public sealed record JobDecision(string Status, string JobId, string JobStatus, string DecidedBy);

/// <summary>The body of an approve.</summary>
public sealed record JobApproveRequest(string? Note = null);

/// <summary>The body of a reject.</summary>
public sealed record JobRejectRequest(string? Reason = null);

/// <summary>An agent (never its token).</summary>
public sealed record Agent(
    string Id,
    string Name,
    string Hostname,
    string Status,
    DateTimeOffset? LastHeartbeatAt,
    string Os,
    string Architecture,
    string IpAddress,
    string Version,
    DateTimeOffset RegisteredAt,
    DateTimeOffset? RetiredAt,
    string? RetiredReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>What depended on an agent when it was retired.</summary>
public sealed record AgentDependencies(long ActiveTargets, long ActiveCertificates, long PendingJobs);

/// <summary>The answer to a retirement (200; an already retired agent answers 204 with no body).</summary>
public sealed record AgentRetired(DateTimeOffset RetiredAt, bool AlreadyRetired, bool Cascade, AgentDependencies Counts, long CancelledJobs);

/// <summary>One audit-trail row.</summary>
public sealed record AuditEvent(
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

/// <summary>The dashboard summary.</summary>
public sealed record StatsSummary(
    long TotalCertificates,
    IReadOnlyDictionary<string, long> CertificatesByStatus,
    [property: JsonPropertyName("expiring_in_7_days")] long ExpiringIn7Days,
    [property: JsonPropertyName("expiring_in_30_days")] long ExpiringIn30Days,
    long TotalJobs,
    IReadOnlyDictionary<string, long> JobsByStatus,
    long AgentsOnline,
    long AgentsOffline,
    long AgentsRetired,
    DateTimeOffset GeneratedAt);
