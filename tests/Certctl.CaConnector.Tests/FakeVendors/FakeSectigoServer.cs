using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Certctl.CaConnector.Tests.FakeVendors;

/// <summary>
/// A local stand-in for Sectigo Certificate Manager's SSL API on 127.0.0.1: enroll, status and PEM collect, behind the
/// <c>customerUri</c>/<c>login</c>/<c>password</c> headers. Orders follow the <see cref="OrderScript"/> planned for the
/// CSR's common name (pending answers are "Applied"); an issued certificate is not collectable for
/// <see cref="OrderScript.NotCollectable"/> collects (Sectigo's "not yet available"). It imitates the API's shape, not Sectigo.
/// </summary>
public sealed class FakeSectigoServer : FakeVendorServer
{
    public const string CustomerUri = "fake-customer";
    public const string Login = "fake-login";
    public const string Password = "fake-password-0123";

    private readonly ConcurrentDictionary<long, int> _collects = new();
    private long _nextId = 7000;

    private FakeSectigoServer()
    {
    }

    /// <summary>The issuer's <c>base_url</c>.</summary>
    public string BaseUrl => Origin + "/api";

    public static async Task<FakeSectigoServer> StartAsync()
    {
        var server = new FakeSectigoServer();
        await server.StartAsync(app =>
        {
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
        });
        return server;
    }

    public int CollectsOf(long id) => _collects.GetValueOrDefault(id);

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
            root.GetProperty("orgId").GetInt64(), PlanFor(commonName));
        Orders[order.Id] = order;
        return Results.Json(new { sslId = order.Id, renewId = "r" + order.Id });
    }

    // The connector looks once right after enrolling; that look is the order's first poll.
    private IResult Status(long id)
    {
        if (!Orders.TryGetValue(id, out var order))
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
        if (!Orders.TryGetValue(id, out var order))
        {
            return Results.Json(new { code = -2, description = "No such certificate." }, statusCode: StatusCodes.Status404NotFound);
        }

        if (_collects.AddOrUpdate(id, 1, (_, count) => count + 1) <= order.Script.NotCollectable)
        {
            return Results.Json(new { code = -183, description = "Certificate is not yet available." }, statusCode: StatusCodes.Status400BadRequest);
        }

        return Results.Text(CertificateOf(order) + Ca.RootPem, "application/x-pem-file");
    }
}
