using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Certctl.CaConnector.Tests.FakeCertCentral;

/// <summary>
/// A local stand-in for Sectigo Certificate Manager's SSL API on 127.0.0.1: enroll, status and PEM collect, behind the
/// <c>customerUri</c>/<c>login</c>/<c>password</c> headers. Orders follow the <see cref="OrderScript"/> planned for the
/// CSR's common name (pending answers are "Applied"); an issued certificate is not collectable for
/// <see cref="OrderScript.NotCollectable"/> collects (Sectigo's "not yet available"). It imitates the API's shape, not Sectigo.
/// </summary>
public sealed class FakeSectigoServer : IAsyncDisposable
{
    public const string CustomerUri = "fake-customer";
    public const string Login = "fake-login";
    public const string Password = "fake-password-0123";

    private readonly ConcurrentDictionary<string, OrderScript> _plans = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<long, FakeOrder> _orders = new();
    private readonly ConcurrentDictionary<long, int> _collects = new();
    private readonly WebApplication _app;
    private long _nextId = 7000;

    private FakeSectigoServer(WebApplication app, int port)
    {
        _app = app;
        BaseUrl = $"http://127.0.0.1:{port}/api";
    }

    public ThrowawayCa Ca { get; } = new();

    public string BaseUrl { get; }

    public static async Task<FakeSectigoServer> StartAsync()
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var server = new FakeSectigoServer(app, port);
        var api = app.MapGroup("/api/ssl/v1").AddEndpointFilter(async (context, next) =>
        {
            var headers = context.HttpContext.Request.Headers;
            return headers["customerUri"] == CustomerUri && headers["login"] == Login && headers["password"] == Password
                ? await next(context)
                : Results.Json(new { code = -16, description = "Unknown user or wrong password." }, statusCode: StatusCodes.Status401Unauthorized);
        });
        api.MapPost("/enroll", server.EnrollAsync);
        api.MapGet("/{id:long}", server.Status);
        api.MapGet("/collect/{id:long}/pem", server.Collect);
        await app.StartAsync();
        return server;
    }

    /// <summary>How the next enrollments whose CSR names <paramref name="commonName"/> are answered.</summary>
    public void Plan(string commonName, OrderScript script) => _plans[commonName] = script;

    public IReadOnlyList<FakeOrder> OrdersFor(string commonName) =>
        [.. _orders.Values.Where(order => string.Equals(order.CommonName, commonName, StringComparison.OrdinalIgnoreCase))];

    public int CollectsOf(long id) => _collects.GetValueOrDefault(id);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Ca.Dispose();
    }

    private async Task<IResult> EnrollAsync(HttpRequest request)
    {
        using var body = await JsonDocument.ParseAsync(request.Body);
        var root = body.RootElement;
        var csr = root.GetProperty("csr").GetString()!;
        var commonName = CertificateRequest.LoadSigningRequestPem(csr, HashAlgorithmName.SHA256).SubjectName.Name["CN=".Length..];
        if (root.GetProperty("term").GetInt32() <= 0)
        {
            return Results.Json(new { code = -7, description = "Invalid term." }, statusCode: StatusCodes.Status400BadRequest);
        }

        var order = new FakeOrder(
            Interlocked.Increment(ref _nextId), commonName,
            root.GetProperty("subjAltNames").GetString()!.Split(',', StringSplitOptions.RemoveEmptyEntries), csr,
            root.GetProperty("orgId").GetInt64(), _plans.GetValueOrDefault(commonName) ?? new OrderScript());
        _orders[order.Id] = order;
        return Results.Json(new { sslId = order.Id, renewId = "r" + order.Id });
    }

    // The connector looks once right after enrolling; that look is the order's first poll.
    private IResult Status(long id)
    {
        if (!_orders.TryGetValue(id, out var order))
        {
            return Results.Json(new { code = -2, description = "No such certificate." }, statusCode: StatusCodes.Status404NotFound);
        }

        var poll = order.NextPoll();
        var script = order.Script;
        var status = poll <= script.PendingPolls ? "Applied" : script.Rejects ? "Rejected" : "Issued";
        return Results.Json(new { sslId = id, status, commonName = order.CommonName });
    }

    private IResult Collect(long id)
    {
        if (!_orders.TryGetValue(id, out var order))
        {
            return Results.Json(new { code = -2, description = "No such certificate." }, statusCode: StatusCodes.Status404NotFound);
        }

        if (_collects.AddOrUpdate(id, 1, (_, count) => count + 1) <= order.Script.NotCollectable)
        {
            return Results.Json(new { code = -183, description = "Certificate is not yet available." }, statusCode: StatusCodes.Status400BadRequest);
        }

        lock (order)
        {
            order.CertificatePem ??= Ca.Sign(order.CsrPem, order.CommonName, order.DnsNames);
        }

        return Results.Text(order.CertificatePem + Ca.RootPem, "application/x-pem-file");
    }
}
