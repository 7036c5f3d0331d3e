using Certctl.Acme.RateLimiting;
using Certctl.Acme.RenewalInfo;
using Certctl.Acme.Validation;
using Certctl.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Certctl.Acme.Tests;

/// <summary>The ACME service wired like its Program.cs (this branch's parts of it) on Kestrel at a loopback port, on a test database.</summary>
internal sealed class AcmeHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private AcmeHost(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<AcmeHost> StartAsync(
        string connectionString, ITestOutputHelper output, TimeProvider timeProvider, IDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var configuration = new Dictionary<string, string?> { [$"ConnectionStrings:{DatabaseDefaults.ConnectionName}"] = connectionString };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Logging.ClearProviders().AddTestOutput(output)
            .AddFilter("Microsoft", LogLevel.Warning).AddFilter("System", LogLevel.Warning).AddFilter("Npgsql", LogLevel.Warning);
        builder.Services.AddSingleton(timeProvider);
        builder.AddServiceDefaults();
        builder.AddCertctlDatabase();
        builder.AddAcmeValidators();
        builder.AddAcmeRateLimiting();
        builder.AddAcmeRenewalInfo();

        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapAcmeRenewalInfo();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new AcmeHost(app, new Uri(address));
    }

    public HttpClient Client() => new() { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
