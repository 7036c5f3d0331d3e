namespace Certctl.AgentIngest.Auth;

/// <summary>
/// Guards every endpoint marked <see cref="RequiresAgentToken"/> (all <c>/api/v1/agents/{id}/…</c> paths): the bearer token must
/// be the per-agent token of the agent in the path, so one agent can never act as another. 401 for a missing or foreign token,
/// 404 for an unknown id, 410 for a retired agent.
/// </summary>
/// <remarks>
/// Middleware rather than an endpoint filter: it runs after routing but before the body is read and bound, so a caller without
/// the agent's token never gets a discovery report of megabytes parsed, nor learns anything from a 400.
/// </remarks>
public sealed class AgentAuthenticationMiddleware(RequestDelegate next, AgentTokenVerifier verifier)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<RequiresAgentToken>() is null)
        {
            await next(context);
            return;
        }

        var agentId = context.GetRouteValue("id") as string ?? string.Empty;
        var token = AgentToken.FromAuthorization(context.Request.Headers.Authorization);
        IResult refusal;
        switch (await verifier.VerifyAsync(agentId, token, context.RequestAborted))
        {
            case AgentAuthResult.Authenticated:
                await next(context);
                return;
            case AgentAuthResult.UnknownAgent:
                refusal = TypedResults.Problem($"No agent has the id '{agentId}'.", statusCode: StatusCodes.Status404NotFound, title: "Unknown agent");
                break;
            case AgentAuthResult.Retired:
                refusal = TypedResults.Problem($"Agent '{agentId}' is retired; it should stop.", statusCode: StatusCodes.Status410Gone, title: "Agent retired");
                break;
            default:
                context.Response.Headers.WWWAuthenticate = "Bearer";
                refusal = TypedResults.Problem("The bearer token is missing or is not this agent's token.",
                    statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");
                break;
        }

        await refusal.ExecuteAsync(context);
    }
}
