namespace Certctl.Agent.Client;

/// <summary>Body of <c>POST /api/v1/agents</c>.</summary>
public sealed record RegistrationRequest(string Name, string Hostname, string? Os, string? Architecture, string? IpAddress, string Version);

/// <summary>The registration answer: the agent's id and its token, which the server shows this once.</summary>
public sealed record RegisteredAgent(string Id, string? Token, string? ApiKey)
{
    /// <summary>The per-agent bearer token, under whichever of the two names the server used.</summary>
    public string? Credential => string.IsNullOrWhiteSpace(Token) ? ApiKey : Token;
}
