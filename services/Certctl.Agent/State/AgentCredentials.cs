namespace Certctl.Agent.State;

/// <summary>What registration gave this host: the agent id and its bearer token, for the server it registered with.</summary>
public sealed record AgentCredentials(string AgentId, string Token, string ServerUrl, DateTimeOffset RegisteredAt);
