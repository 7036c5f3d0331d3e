using MassTransit;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Certctl.Gateway;
using Certctl.Gateway.Inventory;
using Certctl.Gateway.OpenApi;
using Certctl.Gateway.Pki;
using Certctl.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Certctl.Gateway.Tests;

/// <summary>A gateway wired like Program.cs (service defaults, database, the core, the inventory services, OpenAPI) on Kestrel at a loopback port, plus test endpoints.</summary>
internal sealed class GatewayHost : IAsyncDisposable
{
    /// <summary>Admin key of <c>alice</c>.</summary>
    public const string AliceKey = "alice-key-0123456789abcdefghijkl";

    /// <summary>Non-admin key of <c>bob</c>.</summary>
    public const string BobKey = "bob-key-0123456789abcdefghijklmnop";

    /// <summary>Bob's second (rotation) key.</summary>
    public const string BobNextKey = "bob-next-key-0123456789abcdefghijk";

    public const string NamedKeys = $"alice:{AliceKey}:admin,bob:{BobKey},bob:{BobNextKey}";

    /// <summary>Base64 of 32 fixed bytes: the test configuration-encryption key.</summary>
    public static readonly string EncryptionKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    private readonly WebApplication _app;
    private bool _stopped;

    private GatewayHost(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<GatewayHost> StartAsync(
        string connectionString, ITestOutputHelper output, Action<RouteGroupBuilder>? map = null, IDictionary<string, string?>? settings = null)
    {
        var app = Build(connectionString, output, map, settings);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new GatewayHost(app, new Uri(address));
    }

    public static WebApplication Build(
        string connectionString, ITestOutputHelper output, Action<RouteGroupBuilder>? map = null, IDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var configuration = new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{DatabaseDefaults.ConnectionName}"] = connectionString,
            ["CERTCTL_API_KEYS_NAMED"] = NamedKeys,
            ["CERTCTL_CURSOR_KEY"] = "test-cursor-key-0123456789abcdefghijklmnop",
            ["CERTCTL_CONFIG_ENCRYPTION_KEY"] = EncryptionKey,
            // Exact tags (one journal read per request), so a test's SQL write is seen by its next request; ListETagCacheTests turn it on.
            ["CERTCTL_LIST_ETAG_REFRESH_MS"] = "0",
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
        if (string.IsNullOrEmpty(builder.Configuration.GetConnectionString(MessagingDefaults.ConnectionName)))
        {
            // Without a broker setting the gateway's messages (JobsQueued, RevokeCertificate, GenerateCrl) go nowhere, as most tests need.
            builder.Services.AddMassTransit(bus => bus.UsingInMemory());
        }
        else
        {
            builder.AddCertctlMessaging(); // the PKI tests talk to a real CA connector (OCSP request/response)
        }

        builder.AddInventory();
        builder.AddPki();
        builder.AddGatewayOpenApi();

        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.UseGatewayCore();
        app.MapGatewayOpenApi();
        app.MapVersionEndpoints();
        app.MapPkiEndpoints();
        var api = app.MapOperatorApi();
        map?.Invoke(api);
        return app;
    }

    /// <summary>A client sending <paramref name="key"/> as its Bearer token (none when null).</summary>
    public HttpClient Client(string? key = null)
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    /// <summary>The generated OpenAPI document (<c>/openapi/v1.json</c>, anonymous).</summary>
    public async Task<JsonElement> OpenApiDocumentAsync()
    {
        using var client = Client();
        return await client.GetFromJsonAsync<JsonElement>($"/openapi/{OpenApiExtensions.DocumentName}.json");
    }

    public async Task StopAsync()
    {
        _stopped = true;
        await _app.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            await _app.StopAsync();
        }

        await _app.DisposeAsync();
    }
}
