using Certctl.Agent.Client;
using Certctl.Agent.Options;
using Certctl.Agent.State;
using Certctl.Agent.Work;
using Microsoft.Extensions.Options;

namespace Certctl.Agent.Hosting;

/// <summary>Asks for work at start and every <c>CERTCTL_AGENT_POLL_INTERVAL</c> (30 s), and runs the items one after another.</summary>
/// <remarks>A failing item is reported on its job and does not fail the poll; only the poll call itself backs off.</remarks>
public sealed class WorkPollLoop(
    IAgentApi api, WorkItemProcessor processor, AgentSession session, IOptions<AgentOptions> options, TimeProvider time, ILogger<WorkPollLoop> logger)
    : AgentLoop(session, time, logger)
{
    protected override string Name => "Work poll";

    protected override TimeSpan Interval => options.Value.Poll;

    protected override async Task RunOnceAsync(AgentCredentials credentials, CancellationToken cancellationToken)
    {
        var work = await api.GetWorkAsync(credentials.AgentId, cancellationToken);
        foreach (var item in work.Jobs ?? [])
        {
            cancellationToken.ThrowIfCancellationRequested();
            await processor.ProcessAsync(credentials.AgentId, item, cancellationToken);
        }
    }
}
