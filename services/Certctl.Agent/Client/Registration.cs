namespace Certctl.Agent.Client;

/// <summary>Body of <c>POST /api/v1/agents</c>.</summary>
public sealed record RegistrationRequest(string Name, string Hostname, string? Os, string? Architecture, string? IpAddress, string Version);

/// <summary>The registration answer (201): the agent's id and its per-agent token (<c>api_key</c>), which the server shows this once.</summary>
public sealed record RegisteredAgent(string Id, string? ApiKey);
