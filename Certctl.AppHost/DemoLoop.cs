using Aspire.Hosting.ApplicationModel;
using Certctl.AppHost.Infrastructure;

namespace Certctl.AppHost;

/// <summary>
/// The demo loop: a Certctl agent on this machine deploys a 10-minute certificate (renewed at half-life) to a PEM folder under
/// the local data folder, and a small HTTPS site serves what it deployed, so the agent's TLS check verifies every deployment.
/// The migration runner seeds the agent, its target and the certificate (<c>DemoLoopSeed</c>) when the demo seed is on.
/// </summary>
internal static class DemoLoop
{
    /// <summary>The demo agent's id, as the migration runner seeds it.</summary>
    private const string AgentId = "ag-demo";

    public static void AddDemoLoop(
        this IDistributedApplicationBuilder builder, SuiteSettings settings, IResourceBuilder<ProjectResource> migrations,
        IResourceBuilder<ProjectResource> agentIngest, IResourceBuilder<ProjectResource> scheduler)
    {
        // Beside the local servers' data (git-ignored): the agent's keys, and the folder it deploys to.
        var dataDirectory = Path.GetFullPath(
            builder.Configuration[InfrastructureExtensions.DataDirectoryKey] ?? Path.Combine(builder.AppHostDirectory, "..", ".certctl"));
        var deployDirectory = Path.Combine(dataDirectory, "demo-deploy");
        var sitePort = settings.DemoSitePort.ToString(System.Globalization.CultureInfo.InvariantCulture);

        // The agent's identity is provisioned, not registered: the seed needs the agent's id for its target before the agent runs.
        var agentToken = builder.AddParameter("certctl-demo-agent-token", new EncryptionKeyParameterDefault(), secret: true, persist: true);
        migrations
            .WithEnvironment("CERTCTL_DEMO_AGENT_TOKEN", agentToken)
            .WithEnvironment("CERTCTL_DEMO_DEPLOY_DIR", deployDirectory)
            .WithEnvironment("CERTCTL_DEMO_SITE_PORT", sitePort);

        builder.AddProject<Projects.Certctl_DemoSite>("demo-site")
            .WithHttpsEndpoint(port: settings.DemoSitePort, targetPort: settings.DemoSitePort, name: "https", isProxied: false)
            .WithEnvironment("CERTCTL_DEMO_DEPLOY_DIR", deployDirectory);

        builder.AddProject<Projects.Certctl_Agent>("demo-agent")
            .WithEnvironment("CERTCTL_SERVER_URL", agentIngest.GetEndpoint("http"))
            .WithEnvironment("CERTCTL_AGENT_ALLOW_INSECURE_HTTP", "true")
            .WithEnvironment("CERTCTL_AGENT_ID", AgentId)
            .WithEnvironment("CERTCTL_AGENT_TOKEN", agentToken)
            .WithEnvironment("CERTCTL_AGENT_STATE_DIR", Path.Combine(dataDirectory, "demo-agent", "state"))
            .WithEnvironment("CERTCTL_KEY_DIR", Path.Combine(dataDirectory, "demo-agent", "keys"))
            .WithEnvironment("CERTCTL_AGENT_POLL_INTERVAL", "10s")
            .WaitFor(agentIngest);

        // A renewal every few minutes needs the renewal scan every minute (its floor) rather than every hour.
        scheduler.WithEnvironment("CERTCTL_SCHEDULER_RENEWAL_CHECK_INTERVAL",
            Environment.GetEnvironmentVariable("CERTCTL_SCHEDULER_RENEWAL_CHECK_INTERVAL") ?? "1m");
    }
}
