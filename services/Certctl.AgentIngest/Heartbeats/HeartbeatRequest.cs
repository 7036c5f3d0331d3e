namespace Certctl.AgentIngest.Heartbeats;

/// <summary>The optional heartbeat body; a field left out or empty keeps the stored value.</summary>
public sealed record HeartbeatRequest(string? Version, string? Hostname, string? Os, string? Architecture, string? IpAddress);
