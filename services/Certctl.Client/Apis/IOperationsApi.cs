using Certctl.Client.Models;
using Refit;

namespace Certctl.Client;

/// <summary>The operations part of the operator API: jobs, agents (operator side), the audit trail and the stats summary.</summary>
public interface IOperationsApi
{
    /// <summary><c>GET /api/v1/jobs</c>: newest first.</summary>
    [Get("/api/v1/jobs")]
    Task<OperationsPage<Job>> ListJobsAsync([Query] JobListQuery? query = null, CancellationToken cancellationToken = default);

    /// <summary><c>GET /api/v1/jobs/{id}</c>.</summary>
    [Get("/api/v1/jobs/{id}")]
    Task<Job> GetJobAsync(string id, CancellationToken cancellationToken = default);

    /// <summary><c>POST /api/v1/jobs/{id}/cancel</c>: 409 for a finished job.</summary>
    [Post("/api/v1/jobs/{id}/cancel")]
    Task<JobDecision> CancelJobAsync(string id, CancellationToken cancellationToken = default);

    /// <summary><c>POST /api/v1/jobs/{id}/approve</c>: 403 for the requester, 409 once decided.</summary>
    [Post("/api/v1/jobs/{id}/approve")]
    Task<JobDecision> ApproveJobAsync(string id, [Body] JobApproveRequest request, CancellationToken cancellationToken = default);

    /// <summary><c>POST /api/v1/jobs/{id}/reject</c>: 409 once decided.</summary>
    [Post("/api/v1/jobs/{id}/reject")]
    Task<JobDecision> RejectJobAsync(string id, [Body] JobRejectRequest request, CancellationToken cancellationToken = default);

    /// <summary><c>GET /api/v1/agents</c>: active agents, newest registration first.</summary>
    [Get("/api/v1/agents")]
    Task<OperationsPage<Agent>> ListAgentsAsync([Query] AgentListQuery? query = null, CancellationToken cancellationToken = default);

    /// <summary><c>GET /api/v1/agents/retired</c>.</summary>
    [Get("/api/v1/agents/retired")]
    Task<OperationsPage<Agent>> ListRetiredAgentsAsync(int? limit = null, string? cursor = null, CancellationToken cancellationToken = default);

    /// <summary><c>GET /api/v1/agents/{id}</c>.</summary>
    [Get("/api/v1/agents/{id}")]
    Task<Agent> GetAgentAsync(string id, CancellationToken cancellationToken = default);

    /// <summary><c>DELETE /api/v1/agents/{id}</c>: 409 with counts when blocked; <c>force</c> needs a <c>reason</c>. 204 (no body) when already retired.</summary>
    [Delete("/api/v1/agents/{id}")]
    Task<IApiResponse<AgentRetired>> RetireAgentAsync(
        string id, bool? force = null, string? reason = null, CancellationToken cancellationToken = default);

    /// <summary><c>GET /api/v1/audit</c>: newest first.</summary>
    [Get("/api/v1/audit")]
    Task<OperationsPage<AuditEvent>> ListAuditEventsAsync([Query] AuditListQuery? query = null, CancellationToken cancellationToken = default);

    /// <summary><c>GET /api/v1/stats/summary</c>.</summary>
    [Get("/api/v1/stats/summary")]
    Task<StatsSummary> GetStatsSummaryAsync(CancellationToken cancellationToken = default);
}
