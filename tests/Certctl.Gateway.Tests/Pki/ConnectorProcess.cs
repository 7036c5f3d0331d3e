using Certctl.CaConnector;
using Certctl.ServiceDefaults;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Certctl.Gateway.Tests.Pki;

/// <summary>The real CA connector (Program.cs's registrations) on a plain host, beside a test gateway on the same database and broker.</summary>
internal sealed class ConnectorProcess(IHost host) : IAsyncDisposable
{
    public IServiceProvider Services => host.Services;

    public static async Task<ConnectorProcess> StartAsync(string connectionString, Uri amqpUri, ITestOutputHelper output)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{DatabaseDefaults.ConnectionName}"] = connectionString,
            [$"ConnectionStrings:{MessagingDefaults.ConnectionName}"] = amqpUri.ToString(),
            ["CERTCTL_CONFIG_ENCRYPTION_KEY"] = GatewayHost.EncryptionKey,
        });
        builder.Logging.ClearProviders().AddTestOutput(output).AddFilter("Npgsql", LogLevel.Warning);
        builder.AddCertctlDatabase();
        builder.AddCertctlMessaging(bus => bus.AddCaConnectorConsumers());
        builder.Services.AddCaConnector(builder.Configuration);
        var host = builder.Build();
        await host.StartAsync();
        await WaitForBusAsync(host.Services);
        return new ConnectorProcess(host);
    }

    /// <summary>Waits until the bus of <paramref name="services"/> is connected, so nothing published early is lost.</summary>
    public static async Task WaitForBusAsync(IServiceProvider services)
    {
        var bus = services.GetRequiredService<IBusControl>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (bus.CheckHealth().Status != BusHealthStatus.Healthy)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The bus did not become healthy within 30 s.");
            }

            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }
}
