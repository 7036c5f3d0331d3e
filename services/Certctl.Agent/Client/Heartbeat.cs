namespace Certctl.Agent.Client;

/// <summary>Body of <c>POST /api/v1/agents/{id}/heartbeat</c>.</summary>
public sealed record HeartbeatRequest(string Version, string Hostname, string Os, string Architecture, string? IpAddress);
