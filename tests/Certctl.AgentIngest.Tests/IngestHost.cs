using System.Net.Http.Headers;
using Certctl.ServiceDefaults;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Certctl.AgentIngest.Tests;

/// <summary>Agent ingest wired like its Program.cs on Kestrel at a loopback port; messages go to RabbitMQ when an AMQP URI is given, else nowhere.</summary>
internal sealed class IngestHost : IAsyncDisposable
{
    public const string BootstrapToken = "bootstrap-token-0123456789abcdefghijklmn";

    /// <summary>Base64 of 32 fixed bytes: the test configuration-encryption key.</summary>
    public static readonly string EncryptionKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    private readonly WebApplication _app;

    private IngestHost(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<IngestHost> StartAsync(
        string connectionString, ITestOutputHelper output, IDictionary<string, string?>? settings = null, Uri? amqp = null,
        Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var configuration = new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{DatabaseDefaults.ConnectionName}"] = connectionString,
            ["CERTCTL_CONFIG_ENCRYPTION_KEY"] = EncryptionKey,
            ["CERTCTL_AGENT_BOOTSTRAP_TOKEN"] = BootstrapToken,
        };
        if (amqp is not null)
        {
            configuration[$"ConnectionStrings:{MessagingDefaults.ConnectionName}"] = amqp.ToString();
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Logging.ClearProviders().AddTestOutput(output)
            .AddFilter("Microsoft", LogLevel.Warning).AddFilter("System", LogLevel.Warning).AddFilter("Npgsql", LogLevel.Warning);
        builder.AddServiceDefaults();
        builder.AddCertctlDatabase();
        if (amqp is null)
        {
            builder.Services.AddMassTransit(bus => bus.UsingInMemory());
        }
        else
        {
            builder.AddCertctlMessaging();
        }

        builder.AddAgentIngest();
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.UseAgentAuthentication();
        app.MapAgentIngestEndpoints();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new IngestHost(app, new Uri(address));
    }

    /// <summary>A client sending <paramref name="token"/> as its Bearer token (none when null).</summary>
    public HttpClient Client(string? token = null)
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
