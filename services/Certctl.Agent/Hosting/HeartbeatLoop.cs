using Certctl.Agent.Client;
using Certctl.Agent.Options;
using Certctl.Agent.State;
using Microsoft.Extensions.Options;

namespace Certctl.Agent.Hosting;

/// <summary>Tells the server this agent is alive, at start and every <c>CERTCTL_AGENT_HEARTBEAT_INTERVAL</c> (60 s).</summary>
public sealed class HeartbeatLoop(
    IAgentApi api, HostFacts host, AgentSession session, IOptions<AgentOptions> options, TimeProvider time, ILogger<HeartbeatLoop> logger)
    : AgentLoop(session, time, logger)
{
    protected override string Name => "Heartbeat";

    protected override TimeSpan Interval => options.Value.Heartbeat;

    protected override Task RunOnceAsync(AgentCredentials credentials, CancellationToken cancellationToken) =>
        api.HeartbeatAsync(credentials.AgentId,
            new HeartbeatRequest(HostFacts.AgentVersion, host.Hostname, host.Os, host.Architecture, host.IpAddress()), cancellationToken);
}
