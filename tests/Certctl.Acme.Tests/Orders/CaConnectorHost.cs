using Certctl.CaConnector;
using Certctl.ServiceDefaults;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Certctl.Acme.Tests.Orders;

/// <summary>The real CA connector (its registrations and consumers) on a plain host, wired to the test database and virtual host.</summary>
internal sealed class CaConnectorHost : IAsyncDisposable
{
    private readonly IHost _host;

    private CaConnectorHost(IHost host) => _host = host;

    public static async Task<CaConnectorHost> StartAsync(string connectionString, Uri amqp, ITestOutputHelper output)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{DatabaseDefaults.ConnectionName}"] = connectionString,
            [$"ConnectionStrings:{MessagingDefaults.ConnectionName}"] = amqp.ToString(),
            ["CERTCTL_CONFIG_ENCRYPTION_KEY"] = AcmeHost.EncryptionKey,
        });
        builder.Logging.ClearProviders().AddTestOutput(output).AddFilter("Microsoft", LogLevel.Warning).AddFilter("MassTransit", LogLevel.Warning);
        builder.AddCertctlDatabase();
        builder.AddCertctlMessaging(bus => bus.AddCaConnectorConsumers());
        builder.Services.AddCaConnector(builder.Configuration);
        var host = builder.Build();
        await host.StartAsync();
        await WaitForBusAsync(host.Services.GetRequiredService<IBusControl>());
        return new CaConnectorHost(host);
    }

    /// <summary>Waits until <paramref name="bus"/> is connected, so nothing published before its queues exist is lost.</summary>
    public static async Task WaitForBusAsync(IBusControl bus)
    {
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
        await _host.StopAsync();
        _host.Dispose();
    }
}
