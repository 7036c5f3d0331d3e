using System.Net.Http.Headers;
using System.Text.Json;
using Certctl.Gateway.Bulk;
using Certctl.Gateway.Certificates;
using Certctl.Gateway.Inventory;
using Certctl.Gateway.Tests.Inventory;
using Certctl.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Certctl.Gateway.Tests.Fleet;

/// <summary>A gateway wired like Program.cs for the fleet endpoints: <c>AddInventory()</c>, certificates, then <c>MapFleetEndpoints()</c>.</summary>
internal sealed class FleetGateway : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FleetGateway(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<FleetGateway> StartAsync(string connectionString, ITestOutputHelper output, IDictionary<string, string?>? settings = null)
    {
        var app = Build(connectionString, output, settings);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new FleetGateway(app, new Uri(address));
    }

    public static WebApplication Build(string connectionString, ITestOutputHelper output, IDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var configuration = new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{DatabaseDefaults.ConnectionName}"] = connectionString,
            ["CERTCTL_API_KEYS_NAMED"] = GatewayHost.NamedKeys,
            ["CERTCTL_CURSOR_KEY"] = "test-cursor-key-0123456789abcdefghijklmnop",
            ["CERTCTL_CONFIG_ENCRYPTION_KEY"] = InventoryHost.EncryptionKey,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Logging.ClearProviders().AddTestOutput(output)
            .AddFilter("Microsoft", LogLevel.Warning).AddFilter("System", LogLevel.Warning).AddFilter("Npgsql", LogLevel.Warning);
        builder.AddServiceDefaults();
        builder.AddCertctlDatabase();
        builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
        builder.AddGatewayCore();
        builder.AddInventory();

        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.UseGatewayCore();
        var api = app.MapOperatorApi();
        api.MapInventoryEndpoints();
        api.MapCertificateEndpoints();
        api.MapFleetEndpoints(); // as Program.cs: after MapCertificateEndpoints
        return app;
    }

    /// <summary>A client with Bob's (non-admin) key, or no key when <paramref name="key"/> is empty.</summary>
    public HttpClient Client(string? key = GatewayHost.BobKey)
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };
        if (!string.IsNullOrEmpty(key))
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
