using Certctl.Gateway.Agents;
using Certctl.Gateway.Audit;
using Certctl.Gateway.Stats;

namespace Certctl.Gateway.Jobs;

/// <summary>The operations part of the operator API: jobs, agents (operator side), the audit list and the stats summary.</summary>
public static class OperationsEndpoints
{
    /// <summary>Maps jobs, agents, audit and stats onto the authorized operator group: <c>api.MapOperationsEndpoints()</c>.</summary>
    public static RouteGroupBuilder MapOperationsEndpoints(this RouteGroupBuilder api)
    {
        api.MapJobEndpoints();
        api.MapAgentEndpoints();
        api.MapAuditEndpoints();
        api.MapStatsEndpoints();
        return api;
    }
}
