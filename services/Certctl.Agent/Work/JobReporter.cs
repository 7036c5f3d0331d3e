using Certctl.Agent.Client;
using Certctl.Agent.Hosting;

namespace Certctl.Agent.Work;

/// <summary>Reports a job's status to the server; a report that cannot be delivered is logged, the next poll tries the job again.</summary>
public sealed class JobReporter(IAgentApi api, AgentRetirement retirement, ILogger<JobReporter> logger)
{
    /// <summary>Reports <paramref name="status"/> (with <paramref name="error"/> for a failure).</summary>
    public async Task ReportAsync(string agentId, string jobId, string status, string? error, CancellationToken cancellationToken)
    {
        if (status == JobWireNames.Failed)
        {
            logger.LogWarning("Job {JobId} failed: {Error}", jobId, error);
        }

        try
        {
            await api.ReportJobStatusAsync(agentId, jobId, new JobStatusReport(status, error), cancellationToken);
        }
        catch (Exception exception) when (exception is Refit.ApiExceptionBase or HttpRequestException && !retirement.IsRetired)
        {
            logger.LogWarning(exception, "Could not report job {JobId} as {Status}", jobId, status);
        }
    }
}
