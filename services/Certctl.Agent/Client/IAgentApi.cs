using Refit;

namespace Certctl.Agent.Client;

/// <summary>The agent side of the agent protocol (reference §5): registration, heartbeat, work, CSR, pickup, reports, discovery.</summary>
/// <remarks>Every call but registration is authenticated by <see cref="AgentTokenHandler"/> with the per-agent token.</remarks>
public interface IAgentApi
{
    [Post("/api/v1/agents")]
    Task<RegisteredAgent> RegisterAsync([Body] RegistrationRequest request, [Authorize("Bearer")] string bootstrapToken, CancellationToken cancellationToken);

    [Post("/api/v1/agents/{agentId}/heartbeat")]
    Task HeartbeatAsync(string agentId, [Body] HeartbeatRequest request, CancellationToken cancellationToken);

    [Get("/api/v1/agents/{agentId}/work")]
    Task<WorkResponse> GetWorkAsync(string agentId, CancellationToken cancellationToken);

    [Post("/api/v1/agents/{agentId}/csr")]
    Task SubmitCsrAsync(string agentId, [Body] CsrSubmission submission, CancellationToken cancellationToken);

    [Get("/api/v1/agents/{agentId}/certificates/{certificateId}")]
    Task<CertificatePickup> GetCertificateAsync(string agentId, string certificateId, CancellationToken cancellationToken);

    [Post("/api/v1/agents/{agentId}/jobs/{jobId}/status")]
    Task ReportJobStatusAsync(string agentId, string jobId, [Body] JobStatusReport report, CancellationToken cancellationToken);

    [Post("/api/v1/agents/{agentId}/jobs/{jobId}/verification")]
    Task ReportVerificationAsync(string agentId, string jobId, [Body] VerificationReport report, CancellationToken cancellationToken);

    [Post("/api/v1/agents/{agentId}/discoveries")]
    Task ReportDiscoveryAsync(string agentId, [Body] DiscoveryReport report, CancellationToken cancellationToken);
}
