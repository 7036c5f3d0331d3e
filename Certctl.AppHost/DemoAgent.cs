using Aspire.Hosting.ApplicationModel;
using Certctl.AppHost.Infrastructure;

namespace Certctl.AppHost;

/// <summary>
/// A Certctl agent on this machine, talking plain http to the ingest service on localhost: it registers with the bootstrap
/// token, heartbeats, polls for work and shows in the dashboard like any service.
/// </summary>
internal static class DemoAgent
{
    public static IResourceBuilder<ProjectResource> AddDemoAgent(
        this IDistributedApplicationBuilder builder, IResourceBuilder<ProjectResource> agentIngest, IResourceBuilder<ParameterResource> bootstrapToken)
    {
        // Beside the local servers' data: the agent's id and token live as long as the database that issued them.
        var folder = Path.Combine(
            Path.GetFullPath(builder.Configuration[InfrastructureExtensions.DataDirectoryKey] ?? Path.Combine(builder.AppHostDirectory, "..", ".certctl")),
            "demo-agent");
        return builder.AddProject<Projects.Certctl_Agent>("demo-agent")
            .WithEnvironment("CERTCTL_SERVER_URL", agentIngest.GetEndpoint("http"))
            .WithEnvironment("CERTCTL_AGENT_ALLOW_INSECURE_HTTP", "true")
            .WithEnvironment("CERTCTL_AGENT_BOOTSTRAP_TOKEN", bootstrapToken)
            .WithEnvironment("CERTCTL_AGENT_NAME", "demo-agent")
            .WithEnvironment("CERTCTL_AGENT_STATE_DIR", Path.Combine(folder, "state"))
            .WithEnvironment("CERTCTL_KEY_DIR", Path.Combine(folder, "keys"))
            .WaitFor(agentIngest);
    }
}
