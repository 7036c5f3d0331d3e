using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Certctl.Client.Tests;

/// <summary>
/// Serves the two operator endpoints the client knows, on 127.0.0.1 with a kernel-chosen port, the way the gateway
/// writes them (snake_case JSON, 401 as problem+json), and records the Authorization header of every request.
/// </summary>
public sealed class StandInGateway : IAsyncLifetime
{
    public const string GoodKey = "good-key";
    public const string Version = "1.2.3-test";

    private WebApplication? _app;

    public Uri Address { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The Authorization header each request carried ("" when none), in arrival order.</summary>
    public ConcurrentQueue<string> Authorizations { get; } = new();

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.Use((context, next) =>
        {
            Authorizations.Enqueue(context.Request.Headers.Authorization.ToString());
            return next(context);
        });
        _app.MapGet("/api/v1/version", () => Results.Text($$"""{"version":"{{Version}}"}""", "application/json"));
        _app.MapGet("/api/v1/auth/check", CheckAuth);
        _app.MapGet("/api/v1/broken", () => Results.Text("upstream exploded", "text/plain", statusCode: 502));
        await _app.StartAsync();
        Address = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private static IResult CheckAuth(HttpRequest request) =>
        request.Headers.Authorization.ToString() == $"Bearer {GoodKey}"
            ? Results.Text("""{"status":"authenticated","user":"operator","admin":true}""", "application/json")
            : Results.Text(
                """
                {"type":"https://certctl.dev/problems/unauthorized","title":"Unauthorized","status":401,
                 "detail":"The API key is missing or not valid.","instance":"/api/v1/auth/check",
                 "request_id":"0HN-test","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736"}
                """,
                "application/problem+json",
                statusCode: StatusCodes.Status401Unauthorized);
}
