using Certctl.Agent.Client;

namespace Certctl.Agent.Work;

/// <summary>Sends each work item to its job: <c>AwaitingCSR</c> items make a key and a CSR, <c>Deployment</c> items deploy.</summary>
public sealed class WorkItemProcessor(CsrJob csr, DeploymentJob deployment, ILogger<WorkItemProcessor> logger)
{
    /// <summary>Runs one item; its failures are reported on the job, never thrown (cancellation aside).</summary>
    public async Task ProcessAsync(string agentId, WorkItem item, CancellationToken cancellationToken)
    {
        using var activity = AgentTelemetry.ActivitySource.StartActivity($"agent {item.Type} {item.Status}");
        activity?.SetTag("certctl.job_id", item.Id);
        activity?.SetTag("certctl.certificate_id", item.CertificateId);
        if (string.Equals(item.Status, JobWireNames.AwaitingCsr, StringComparison.OrdinalIgnoreCase))
        {
            await csr.RunAsync(agentId, item, cancellationToken);
        }
        else if (string.Equals(item.Type, JobWireNames.Deployment, StringComparison.OrdinalIgnoreCase))
        {
            await deployment.RunAsync(agentId, item, cancellationToken);
        }
        else
        {
            logger.LogWarning("Job {JobId}: type {Type} in status {Status} is not work for an agent; skipped", item.Id, item.Type, item.Status);
        }
    }
}
