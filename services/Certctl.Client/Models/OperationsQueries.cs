using Refit;

namespace Certctl.Client.Models;

/// <summary>The query of <c>GET /api/v1/jobs</c>; null members are left out.</summary>
public sealed record JobListQuery
{
    [AliasAs("limit")]
    public int? Limit { get; init; }

    [AliasAs("cursor")]
    public string? Cursor { get; init; }

    [AliasAs("status")]
    public string? Status { get; init; }

    [AliasAs("type")]
    public string? Type { get; init; }

    [AliasAs("certificate_id")]
    public string? CertificateId { get; init; }

    [AliasAs("agent_id")]
    public string? AgentId { get; init; }
}

/// <summary>The query of <c>GET /api/v1/agents</c>; null members are left out.</summary>
public sealed record AgentListQuery
{
    [AliasAs("limit")]
    public int? Limit { get; init; }

    [AliasAs("cursor")]
    public string? Cursor { get; init; }

    [AliasAs("status")]
    public string? Status { get; init; }

    [AliasAs("os")]
    public string? Os { get; init; }
}

/// <summary>The query of <c>GET /api/v1/audit</c>; <c>from</c>/<c>to</c> are RFC 3339 instants.</summary>
public sealed record AuditListQuery
{
    [AliasAs("limit")]
    public int? Limit { get; init; }

    [AliasAs("cursor")]
    public string? Cursor { get; init; }

    [AliasAs("actor")]
    public string? Actor { get; init; }

    [AliasAs("resource_type")]
    public string? ResourceType { get; init; }

    [AliasAs("resource_id")]
    public string? ResourceId { get; init; }

    [AliasAs("from")]
    public string? From { get; init; }

    [AliasAs("to")]
    public string? To { get; init; }
}
