using Certctl.Acme.Http;
using Certctl.Acme.Orders;
using Certctl.Acme.RateLimiting;
using Certctl.Acme.RenewalInfo;
using Certctl.Acme.Validation;
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

namespace Certctl.Acme.Tests;

/// <summary>The ACME service wired like its Program.cs on Kestrel at a loopback port, against a migrated test database.</summary>
internal sealed class AcmeHost : IAsyncDisposable
{
    /// <summary>Base64 of 32 fixed bytes: the test nonce key.</summary>
    public static readonly string NonceKey = Convert.ToBase64String(Enumerable.Range(100, 32).Select(i => (byte)i).ToArray());

    /// <summary>Base64 of 32 fixed bytes: the test configuration-encryption key (EAB keys).</summary>
    public static readonly string EncryptionKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    /// <summary>A seeded profile in trust_authenticated mode; also the shorthand's default.</summary>
    public const string DefaultProfile = "prof-standard-tls";

    /// <summary>Another seeded profile.</summary>
    public const string OtherProfile = "prof-internal-mtls";

    private readonly WebApplication _app;

    private AcmeHost(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>The host on <paramref name="timeProvider"/> (rate limits and renewal windows under a fake clock).</summary>
    public static Task<AcmeHost> StartAsync(
        string connectionString, ITestOutputHelper output, TimeProvider timeProvider, IDictionary<string, string?>? settings = null) =>
        StartAsync(connectionString, output, settings, services => services.AddSingleton(timeProvider));

    /// <remarks>With <paramref name="amqp"/> messages go to that RabbitMQ virtual host (issuance by a real CA connector); else they stay in memory.</remarks>
    public static async Task<AcmeHost> StartAsync(
        string connectionString, ITestOutputHelper output, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configureServices = null,
        Uri? amqp = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var configuration = new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{DatabaseDefaults.ConnectionName}"] = connectionString,
            ["CERTCTL_CONFIG_ENCRYPTION_KEY"] = EncryptionKey,
            ["CERTCTL_ACME_SERVER_NONCE_KEY"] = NonceKey,
            ["CERTCTL_ACME_SERVER_DEFAULT_PROFILE_ID"] = DefaultProfile,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        if (amqp is not null)
        {
            configuration[$"ConnectionStrings:{MessagingDefaults.ConnectionName}"] = amqp.ToString();
        }

        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Logging.ClearProviders().AddTestOutput(output)
            .AddFilter("Microsoft", LogLevel.Warning).AddFilter("System", LogLevel.Warning).AddFilter("Npgsql", LogLevel.Warning);
        builder.AddServiceDefaults();
        builder.AddCertctlDatabase();
        if (amqp is null)
        {
            builder.Services.AddMassTransit(bus =>
            {
                bus.AddAcmeOrderConsumers();
                bus.UsingInMemory((context, memory) => memory.ConfigureEndpoints(context));
            });
        }
        else
        {
            builder.AddCertctlMessaging(bus => bus.AddAcmeOrderConsumers());
        }
        builder.AddAcmeCore();
        builder.AddAcmeValidators();
        builder.AddAcmeRateLimiting();
        builder.AddAcmeRenewalInfo();
        builder.AddAcmeOrders();
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapAcmeCore();
        app.MapAcmeRenewalInfo();
        app.MapAcmeOrders();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new AcmeHost(app, new Uri(address));
    }

    /// <summary>The directory URL of <paramref name="profile"/>, or of the shorthand when null.</summary>
    public Uri Directory(string? profile = DefaultProfile) =>
        new(Address, profile is null ? "/acme/directory" : $"/acme/profile/{profile}/directory");

    public HttpClient Client() => new() { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
