using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Certctl.Acme.Tests.Validation;

/// <summary>A Kestrel server on a loopback port that answers each path the way a test tells it, and counts what it was asked.</summary>
internal sealed class ChallengeWebServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Func<HttpContext, Task>> _routes = new(StringComparer.Ordinal);
    private int _requests;

    private ChallengeWebServer(WebApplication app) => _app = app;

    public int Port { get; private set; }

    /// <summary>Requests received so far, on any path.</summary>
    public int Requests => Volatile.Read(ref _requests);

    public static async Task<ChallengeWebServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new ChallengeWebServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        server.Port = new Uri(address).Port;
        return server;
    }

    /// <summary>Answers <paramref name="path"/> with <paramref name="handler"/>.</summary>
    public void On(string path, Func<HttpContext, Task> handler) => _routes[path] = handler;

    /// <summary>Answers <paramref name="path"/> with 200 and <paramref name="body"/>.</summary>
    public void Serve(string path, string body) => On(path, context => context.Response.WriteAsync(body));

    /// <summary>Answers <paramref name="path"/> with <paramref name="status"/> and a Location.</summary>
    public void Redirect(string path, string location, int status = StatusCodes.Status302Found) => On(path, context =>
    {
        context.Response.StatusCode = status;
        context.Response.Headers.Location = location;
        return Task.CompletedTask;
    });

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        if (_routes.TryGetValue(context.Request.Path.Value ?? "", out var handler))
        {
            return handler(context);
        }

        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }
}
