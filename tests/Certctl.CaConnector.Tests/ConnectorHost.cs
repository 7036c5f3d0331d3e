using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Certctl.ServiceDefaults;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Certctl.CaConnector.Tests;

/// <summary>The CA connector's real registrations on a plain host, wired to a test database and virtual host, plus an outcome recorder.</summary>
public sealed class ConnectorHost : IAsyncDisposable
{
    /// <summary>A fixed test value of <c>CERTCTL_CONFIG_ENCRYPTION_KEY</c>.</summary>
    public const string EncryptionKey = "q1/7bN3v9pWcU2xYzA4sT6eR8uI0oLkJhGfDsAqWeRt=";

    private ConnectorHost(IHost host) => Host = host;

    public IHost Host { get; }

    public IServiceProvider Services => Host.Services;

    public PublishedEvents Events => Services.GetRequiredService<PublishedEvents>();

    /// <param name="configureServices">Runs after the connector's registrations, to replace or remove some (a fake clock, the poll loop).</param>
    public static async Task<ConnectorHost> StartAsync(
        string databaseConnectionString, Uri amqpUri, ITestOutputHelper output, Action<IServiceCollection>? configureServices = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:certctl"] = databaseConnectionString,
            ["ConnectionStrings:messaging"] = amqpUri.ToString(),
            ["CERTCTL_CONFIG_ENCRYPTION_KEY"] = EncryptionKey,
            ["CERTCTL_CA_RETRY_LIMIT"] = "1",
        });
        builder.Logging.ClearProviders().AddTestOutput(output);
        builder.AddCertctlDatabase();
        builder.AddCertctlMessaging(bus =>
        {
            bus.AddCaConnectorConsumers();
            bus.AddConsumer<IssuanceOutcomeRecorder>();
            bus.AddConsumer<RevocationOutcomeRecorder>();
        });
        builder.Services.AddCaConnector(builder.Configuration);
        builder.Services.AddSingleton<PublishedEvents>();
        configureServices?.Invoke(builder.Services);

        var host = builder.Build();
        await host.StartAsync();
        var bus = host.Services.GetRequiredService<IBusControl>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (bus.CheckHealth().Status != BusHealthStatus.Healthy)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The bus did not become healthy within 30 s.");
            }

            await Task.Delay(100);
        }

        return new ConnectorHost(host);
    }

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync();
        Host.Dispose();
    }
}
