namespace Certctl.AgentIngest.Registration;

/// <summary>The registration body: a unique name and the host's description.</summary>
public sealed record RegistrationRequest(string? Name, string? Hostname, string? Os, string? Architecture, string? IpAddress, string? Version);

/// <summary>The registered agent and its token; the token is shown this once and only its hash is kept.</summary>
public sealed record RegisteredAgent(
    string Id,
    string Name,
    string Hostname,
    string Status,
    string Os,
    string Architecture,
    string IpAddress,
    string Version,
    DateTimeOffset RegisteredAt,
    DateTimeOffset LastHeartbeatAt,
    string ApiKey);
