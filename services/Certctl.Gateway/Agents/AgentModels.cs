namespace Certctl.Gateway.Agents;

/// <summary>An agent as the operator API shows it; the token hash never leaves the database.</summary>
public sealed record AgentResponse(
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

/// <summary>What still depends on an agent: its active targets, the live certificates mapped to them, and its unfinished jobs.</summary>
public sealed record AgentDependencies(long ActiveTargets, long ActiveCertificates, long PendingJobs)
{
    /// <summary>True when nothing depends on the agent.</summary>
    public bool IsEmpty => ActiveTargets == 0 && ActiveCertificates == 0 && PendingJobs == 0;
}

/// <summary>The answer to a retirement: when, whether it cascaded (force), what depended on the agent and how many jobs were cancelled.</summary>
public sealed record AgentRetired(DateTimeOffset RetiredAt, bool AlreadyRetired, bool Cascade, AgentDependencies Counts, long CancelledJobs);
