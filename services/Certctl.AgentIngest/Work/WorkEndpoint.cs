using Microsoft.AspNetCore.Http.HttpResults;

namespace Certctl.AgentIngest.Work;

/// <summary><c>GET /api/v1/agents/{id}/work</c>: the agent's claimed deployments and its pending CSR requests.</summary>
public static class WorkEndpoint
{
    public static async Task<Ok<WorkResponse>> PollAsync(string id, WorkClaim claim, CancellationToken cancellationToken) =>
        TypedResults.Ok(await claim.PollAsync(id, cancellationToken));
}
