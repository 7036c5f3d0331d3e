namespace Certctl.Contracts;

/// <summary>Event: the agent-health loop marked an agent Offline because its heartbeats stopped.</summary>
/// <param name="LastHeartbeatAt">Null when the agent registered but never sent a heartbeat.</param>
public sealed record AgentWentOffline(
    string AgentId,
    DateTimeOffset? LastHeartbeatAt,
    DateTimeOffset DetectedAt);
