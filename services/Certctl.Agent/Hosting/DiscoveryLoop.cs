using Certctl.Agent.Client;
using Certctl.Agent.Discovery;
using Certctl.Agent.Options;
using Certctl.Agent.State;
using Microsoft.Extensions.Options;

namespace Certctl.Agent.Hosting;

/// <summary>Scans <c>CERTCTL_DISCOVERY_DIRS</c> at start and every <c>CERTCTL_DISCOVERY_INTERVAL</c> (6 h) and reports what it finds.</summary>
public sealed class DiscoveryLoop(
    IAgentApi api, CertificateDiscovery discovery, AgentSession session, IOptions<AgentOptions> options, TimeProvider time, ILogger<DiscoveryLoop> logger)
    : AgentLoop(session, time, logger)
{
    /// <summary>Certificates per report, so one large scan never becomes one huge request.</summary>
    public const int BatchSize = 500;

    protected override string Name => "Discovery";

    protected override TimeSpan Interval => options.Value.Discovery;

    protected override async Task RunOnceAsync(AgentCredentials credentials, CancellationToken cancellationToken)
    {
        var folders = options.Value.DiscoveryFolders;
        var started = Time.GetTimestamp();
        var scan = discovery.Scan(folders, cancellationToken);
        var duration = (long)Time.GetElapsedTime(started).TotalMilliseconds;
        if (scan.Certificates.Count == 0 && scan.Errors.Count == 0)
        {
            logger.LogInformation("Discovery found no certificates in {Folders}", string.Join(", ", folders));
            return;
        }

        // The errors travel with the first batch; every batch carries the scan's duration.
        var batches = scan.Certificates.Chunk(BatchSize).ToList();
        if (batches.Count == 0)
        {
            batches.Add([]);
        }

        for (var index = 0; index < batches.Count; index++)
        {
            var report = new DiscoveryReport(credentials.AgentId, folders, batches[index], index == 0 ? scan.Errors : [], duration);
            await api.ReportDiscoveryAsync(credentials.AgentId, report, cancellationToken);
        }

        logger.LogInformation("Discovery reported {Certificates} certificates and {Errors} errors from {Folders}",
            scan.Certificates.Count, scan.Errors.Count, string.Join(", ", folders));
    }
}
