namespace Certctl.AgentIngest.Heartbeats;

/// <summary>One accepted heartbeat: the agent, when it was received, and the metadata it reported (empty when not reported).</summary>
public sealed record Heartbeat(
    string AgentId, DateTimeOffset ReceivedAt, string Version, string Hostname, string Os, string Architecture, string IpAddress);
