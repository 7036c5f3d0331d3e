namespace Certctl.AgentIngest.Auth;

/// <summary>
/// Guards every <c>/api/v1/agents/{id}/…</c> endpoint: the bearer token must be the per-agent token of the agent in the path,
/// so one agent can never act as another. 401 for a missing or foreign token, 404 for an unknown id, 410 for a retired agent.
/// </summary>
public sealed class AgentAuthenticationFilter(AgentTokenVerifier verifier) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var agentId = http.GetRouteValue("id") as string ?? string.Empty;
        var token = AgentToken.FromAuthorization(http.Request.Headers.Authorization);
        switch (await verifier.VerifyAsync(agentId, token, http.RequestAborted))
        {
            case AgentAuthResult.Authenticated:
                return await next(context);
            case AgentAuthResult.UnknownAgent:
                return TypedResults.Problem($"No agent has the id '{agentId}'.", statusCode: StatusCodes.Status404NotFound, title: "Unknown agent");
            case AgentAuthResult.Retired:
                return TypedResults.Problem($"Agent '{agentId}' is retired; it should stop.", statusCode: StatusCodes.Status410Gone, title: "Agent retired");
            default:
                http.Response.Headers.WWWAuthenticate = "Bearer";
                return TypedResults.Problem("The bearer token is missing or is not this agent's token.",
                    statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");
        }
    }
}
