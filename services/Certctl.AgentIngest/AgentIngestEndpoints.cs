using Certctl.AgentIngest.Auth;
using Certctl.AgentIngest.Certificates;
using Certctl.AgentIngest.Csr;
using Certctl.AgentIngest.Discovery;
using Certctl.AgentIngest.Heartbeats;
using Certctl.AgentIngest.Jobs;
using Certctl.AgentIngest.Registration;
using Certctl.AgentIngest.Work;

namespace Certctl.AgentIngest;

/// <summary>
/// The agent-facing API. Registration takes the bootstrap token; every <c>/api/v1/agents/{id}/…</c> path takes that agent's own
/// token (<see cref="AgentAuthenticationMiddleware"/>). The gateway forwards exactly these paths (its <c>ProxyRoutes</c>).
/// </summary>
public static class AgentIngestEndpoints
{
    /// <summary>Checks the agent token of every endpoint that requires one, before its body is read.</summary>
    public static IApplicationBuilder UseAgentAuthentication(this IApplicationBuilder app) => app.UseMiddleware<AgentAuthenticationMiddleware>();

    public static IEndpointRouteBuilder MapAgentIngestEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/agents", RegistrationEndpoint.RegisterAsync).WithName("RegisterAgent");

        var agent = app.MapGroup("/api/v1/agents/{id}").WithMetadata(new RequiresAgentToken());
        agent.MapPost("/heartbeat", HeartbeatEndpoint.Record).WithName("AgentHeartbeat");
        agent.MapGet("/work", WorkEndpoint.PollAsync).WithName("AgentWork");
        agent.MapPost("/csr", CsrEndpoint.SubmitAsync).WithName("AgentCsr");
        agent.MapGet("/certificates/{certificateId}", CertificatePickupEndpoint.GetAsync).WithName("AgentCertificate");
        agent.MapPost("/jobs/{jobId}/status", JobStatusEndpoint.ReportAsync).WithName("AgentJobStatus");
        agent.MapPost("/jobs/{jobId}/verification", VerificationEndpoint.RecordAsync).WithName("AgentJobVerification");
        agent.MapPost("/discoveries", DiscoveryEndpoint.ReportAsync).WithName("AgentDiscoveries");
        return app;
    }
}
