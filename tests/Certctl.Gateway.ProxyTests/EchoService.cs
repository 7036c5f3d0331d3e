using System.Collections.Concurrent;

namespace Certctl.Gateway.ProxyTests;

/// <summary>Stands in for Certctl.Acme and Certctl.AgentIngest: answers every request with what it received, as JSON.</summary>
internal sealed class EchoService : IAsyncDisposable
{
    /// <summary>A request header that makes the echo answer with that status code.</summary>
    public const string StatusHeader = "X-Echo-Status";

    /// <summary>A request header that makes the echo answer with an empty body.</summary>
    public const string EmptyHeader = "X-Echo-Empty";

    private readonly LoopbackHost _host;

    private EchoService(LoopbackHost host, ConcurrentQueue<EchoedRequest> seen)
    {
        _host = host;
        Seen = seen;
    }

    public Uri Address => _host.Address;

    /// <summary>Every request that reached the echo, in arrival order.</summary>
    public ConcurrentQueue<EchoedRequest> Seen { get; }

    public static async Task<EchoService> StartAsync()
    {
        var seen = new ConcurrentQueue<EchoedRequest>();
        var app = LoopbackHost.CreateBuilder().Build();
        app.Run(async context =>
        {
            var request = context.Request;
            using var reader = new StreamReader(request.Body);
            var echoed = new EchoedRequest(
                request.Method,
                request.Path.Value ?? "",
                request.QueryString.Value ?? "",
                request.Headers.Host.ToString(),
                request.Headers["X-Forwarded-For"].ToString(),
                request.Headers["X-Forwarded-Proto"].ToString(),
                request.Headers["X-Forwarded-Host"].ToString(),
                request.Headers["traceparent"].ToString(),
                request.Headers.Authorization.ToString(),
                await reader.ReadToEndAsync(context.RequestAborted));
            seen.Enqueue(echoed);
            context.Response.StatusCode = int.TryParse(request.Headers[StatusHeader], out var status) ? status : StatusCodes.Status200OK;
            if (!HttpMethods.IsHead(request.Method) && !request.Headers.ContainsKey(EmptyHeader))
            {
                await context.Response.WriteAsJsonAsync(echoed, context.RequestAborted);
            }
        });
        return new EchoService(await LoopbackHost.StartAsync(app), seen);
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}

/// <summary>What the echo service saw.</summary>
internal sealed record EchoedRequest(
    string Method,
    string Path,
    string Query,
    string Host,
    string XForwardedFor,
    string XForwardedProto,
    string XForwardedHost,
    string Traceparent,
    string Authorization,
    string Body);
