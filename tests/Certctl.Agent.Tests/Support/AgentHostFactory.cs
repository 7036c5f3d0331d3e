using Certctl.Agent.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Certctl.Agent.Tests.Support;

/// <summary>Builds the real agent host (Program's registrations) against a <see cref="FakeIngestServer"/>, with its folders in a temp folder.</summary>
public static class AgentHostFactory
{
    public static IHost Build(FakeIngestServer server, TempFolder folder, ITestOutputHelper output, Dictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CERTCTL_SERVER_URL"] = server.BaseAddress.ToString(),
            ["CERTCTL_AGENT_ALLOW_INSECURE_HTTP"] = "true",
            ["CERTCTL_AGENT_BOOTSTRAP_TOKEN"] = FakeIngestServer.BootstrapToken,
            ["CERTCTL_AGENT_NAME"] = "test-agent",
            ["CERTCTL_AGENT_STATE_DIR"] = folder["state"],
            ["CERTCTL_KEY_DIR"] = folder["keys"],
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Logging.AddProvider(new TestOutputLoggerProvider(output)).SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddFilter("System.Net.Http", LogLevel.Warning).AddFilter("Microsoft", LogLevel.Warning);
        services?.Invoke(builder.Services);
        builder.Services.AddCertctlAgent(builder.Configuration);
        return builder.Build();
    }
}
