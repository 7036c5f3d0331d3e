using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Certctl.Agent.Tests.Support;

/// <summary>
/// A Kestrel fake of the ingest API on 127.0.0.1, speaking the agent protocol's paths and JSON; it signs CSRs with a
/// <see cref="TestCertificateAuthority"/> and records every call.
/// </summary>
public sealed class FakeIngestServer : IAsyncDisposable
{
    public const string BootstrapToken = "bootstrap-secret";
    public const string AgentId = "agent-test-1";
    public const string AgentToken = "agent-token-1";

    private readonly WebApplication _app;
    private int _registrations;

    private FakeIngestServer(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public TestCertificateAuthority Authority { get; } = new();

    public int Registrations => Volatile.Read(ref _registrations);

    public ConcurrentQueue<(string Path, string? Authorization)> Calls { get; } = new();

    public ConcurrentQueue<JsonObject> Heartbeats { get; } = new();

    public ConcurrentQueue<JsonObject> Csrs { get; } = new();

    public ConcurrentQueue<(string JobId, string Status, string? Error)> StatusReports { get; } = new();

    public ConcurrentQueue<JsonObject> Verifications { get; } = new();

    public ConcurrentQueue<JsonObject> Discoveries { get; } = new();

    /// <summary>Status codes the next heartbeats answer with (200 once empty).</summary>
    public ConcurrentQueue<HttpStatusCode> HeartbeatAnswers { get; } = new();

    /// <summary>Work lists the next polls return (an empty list once empty).</summary>
    public ConcurrentQueue<JsonArray> WorkAnswers { get; } = new();

    /// <summary>When set, a CSR submission's connection is cut before any answer (a network failure).</summary>
    public bool DropCsrConnections { get; set; }

    /// <summary>When set, every agent call (not registration) answers 410: the agent was retired.</summary>
    public bool Retired { get; set; }

    /// <summary>The PEM served for each certificate id: set by a signed CSR, or by a test.</summary>
    public ConcurrentDictionary<string, string> Certificates { get; } = new();

    public static async Task<FakeIngestServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeIngestServer(app);
        server.Map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseAddress = new Uri(address);
        return server;
    }

    private void Map(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            Calls.Enqueue((context.Request.Path, context.Request.Headers.Authorization.ToString()));
            var registering = context.Request.Method == "POST" && context.Request.Path == "/api/v1/agents";
            var expected = registering ? BootstrapToken : AgentToken;
            if (context.Request.Headers.Authorization.ToString() != $"Bearer {expected}")
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }

            if (!registering && Retired)
            {
                context.Response.StatusCode = StatusCodes.Status410Gone;
                return;
            }

            await next(context);
        });

        app.MapPost("/api/v1/agents", (JsonObject body) =>
        {
            Interlocked.Increment(ref _registrations);
            return Results.Json(new JsonObject { ["id"] = AgentId, ["name"] = body["name"]?.GetValue<string>(), ["api_key"] = AgentToken }, statusCode: 201);
        });
        app.MapPost("/api/v1/agents/{id}/heartbeat", (string id, JsonObject body) =>
        {
            Heartbeats.Enqueue(body);
            var status = HeartbeatAnswers.TryDequeue(out var answer) ? answer : HttpStatusCode.OK;
            return Results.Json(new JsonObject { ["status"] = "heartbeat_recorded" }, statusCode: (int)status);
        });
        app.MapGet("/api/v1/agents/{id}/work", (string id) =>
        {
            var jobs = WorkAnswers.TryDequeue(out var answer) ? answer : [];
            return Results.Json(new JsonObject { ["jobs"] = jobs, ["count"] = jobs.Count });
        });
        app.MapPost("/api/v1/agents/{id}/csr", (string id, JsonObject body, HttpContext context) =>
        {
            if (DropCsrConnections)
            {
                context.Abort();
                return Results.Empty;
            }

            Csrs.Enqueue(body);
            Certificates[body["certificate_id"]!.GetValue<string>()] = Authority.Sign(body["csr_pem"]!.GetValue<string>());
            return Results.Json(new JsonObject { ["status"] = "csr_signed" }, statusCode: 202);
        });
        app.MapGet("/api/v1/agents/{id}/certificates/{certificateId}", (string id, string certificateId) =>
            Certificates.TryGetValue(certificateId, out var pem) ? Results.Json(new JsonObject { ["certificate_pem"] = pem }) : Results.NotFound());
        app.MapPost("/api/v1/agents/{id}/jobs/{jobId}/status", (string id, string jobId, JsonObject body) =>
        {
            StatusReports.Enqueue((jobId, body["status"]!.GetValue<string>(), body["error"]?.GetValue<string>()));
            return Results.Json(new JsonObject { ["status"] = "updated" });
        });
        app.MapPost("/api/v1/agents/{id}/jobs/{jobId}/verification", (string id, string jobId, JsonObject body) =>
        {
            body["job_id"] = jobId;
            Verifications.Enqueue(body);
            return Results.Json(new JsonObject { ["status"] = "recorded" });
        });
        app.MapPost("/api/v1/agents/{id}/discoveries", (string id, JsonObject body) =>
        {
            Discoveries.Enqueue(body);
            return Results.Json(new JsonObject { ["status"] = "accepted" }, statusCode: 202);
        });
    }

    /// <summary>A work item as the server sends it.</summary>
    public static JsonObject WorkItem(string jobId, string type, string status, string certificateId, string? targetType = null, JsonObject? targetConfig = null,
        string? commonName = null, params string[] sans)
    {
        var item = new JsonObject { ["id"] = jobId, ["type"] = type, ["status"] = status, ["certificate_id"] = certificateId };
        if (targetType is not null)
        {
            item["target_id"] = "tgt-" + jobId;
            item["target_type"] = targetType;
            item["target_config"] = targetConfig?.DeepClone();
        }

        if (commonName is not null)
        {
            item["common_name"] = commonName;
            item["sans"] = new JsonArray(sans.Select(san => (JsonNode)san).ToArray());
        }

        return item;
    }

    public static string Json(JsonNode node) => node.ToJsonString(new JsonSerializerOptions { WriteIndented = false });

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Authority.Dispose();
    }
}
