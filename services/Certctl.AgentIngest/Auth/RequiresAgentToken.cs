namespace Certctl.AgentIngest.Auth;

/// <summary>Endpoint metadata: the request must carry the token of the agent named by the route's <c>{id}</c>.</summary>
public sealed class RequiresAgentToken;
