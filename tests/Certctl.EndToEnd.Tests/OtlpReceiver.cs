using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Certctl.EndToEnd.Tests;

/// <summary>
/// A stand-in for the dashboard's OTLP/HTTP endpoint: it accepts trace exports and keeps their bodies, so a test
/// can prove a service's spans leave the process over OTLP. The dashboard receives exactly the same requests.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<byte[]> traceExports = new();

    private OtlpReceiver(WebApplication app) => this.app = app;

    /// <summary>The base URL to give a service as <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (protocol http/protobuf).</summary>
    public string Endpoint => app.Urls.Single();

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/traces", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            receiver.traceExports.Enqueue(body.ToArray());
            return Results.Ok();
        });
        app.MapPost("/v1/{signal}", () => Results.Ok()); // metrics and logs: accepted, not needed here
        await app.StartAsync();
        return receiver;
    }

    /// <summary>Waits until one trace export contains every fragment (UTF-8 strings inside the protobuf body).</summary>
    public async Task<bool> WaitForTraceContainingAsync(TimeSpan timeout, params string[] fragments)
    {
        var patterns = fragments.Select(Encoding.UTF8.GetBytes).ToArray();
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (traceExports.Any(export => patterns.All(pattern => export.AsSpan().IndexOf(pattern) >= 0)))
            {
                return true;
            }

            await Task.Delay(250);
        }

        return false;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
