namespace Certctl.AgentIngest.Auth;

/// <summary>The outcome of checking a request's token against the agent in its path.</summary>
public enum AgentAuthResult
{
    /// <summary>The token is this agent's and the agent is active.</summary>
    Authenticated,

    /// <summary>No bearer token, or not this agent's (401).</summary>
    Unauthorized,

    /// <summary>No agent has this id (404).</summary>
    UnknownAgent,

    /// <summary>The token is this agent's but the agent is retired (410: the agent should exit).</summary>
    Retired,
}
