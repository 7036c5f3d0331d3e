using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Certctl.CaConnector.Tests.FakeVendors;

/// <summary>
/// A local stand-in for DigiCert CertCentral's v2 API on 127.0.0.1 (Kestrel): order submission, order status and PEM
/// download, behind the <c>X-DC-DEVKEY</c> header. Each order follows the <see cref="OrderScript"/> planned for its common
/// name; the certificates are signed for real by a <see cref="ThrowawayCa"/>. It imitates the API's shape, not DigiCert.
/// </summary>
public sealed class FakeCertCentralServer : FakeVendorServer
{
    public const string ApiKey = "fake-devkey-0123456789";

    private readonly ConcurrentDictionary<string, int> _submissions = new(StringComparer.OrdinalIgnoreCase);
    private long _nextOrderId = 1000;

    private FakeCertCentralServer()
    {
    }

    /// <summary>The issuer's <c>base_url</c>.</summary>
    public string BaseUrl => Origin + "/services/v2";

    public static async Task<FakeCertCentralServer> StartAsync()
    {
        var server = new FakeCertCentralServer();
        await server.StartAsync(app =>
        {
            var api = app.MapGroup("/services/v2").AddEndpointFilter(async (context, next) =>
                context.HttpContext.Request.Headers["X-DC-DEVKEY"] == ApiKey
                    ? await next(context)
                    : Errors(StatusCodes.Status401Unauthorized, "invalid_api_key", "The API key is not valid."));
            api.MapPost("/order/certificate/{product}", server.SubmitAsync);
            api.MapGet("/order/certificate/{id:long}", server.Status);
            api.MapGet("/certificate/{id:long}/download/format/pem_all", server.Download);
        });
        return server;
    }

    /// <summary>Submissions received for <paramref name="commonName"/>, refused ones included.</summary>
    public int SubmissionsFor(string commonName) => _submissions.GetValueOrDefault(commonName);

    private async Task<IResult> SubmitAsync(string product, HttpRequest request)
    {
        using var body = await JsonDocument.ParseAsync(request.Body);
        var certificate = body.RootElement.GetProperty("certificate");
        var commonName = certificate.GetProperty("common_name").GetString()!;
        var submission = _submissions.AddOrUpdate(commonName, 1, (_, count) => count + 1);
        var script = PlanFor(commonName);
        if (submission <= script.FailingSubmissions)
        {
            return Errors(StatusCodes.Status503ServiceUnavailable, "service_unavailable", "Try again later.");
        }

        if (body.RootElement.GetProperty("validity_years").GetInt32() != 1 || product != "ssl_basic")
        {
            return Errors(StatusCodes.Status400BadRequest, "invalid_order", "Unexpected product or validity.");
        }

        var order = new FakeOrder(
            Interlocked.Increment(ref _nextOrderId),
            commonName,
            [.. certificate.GetProperty("dns_names").EnumerateArray().Select(name => name.GetString()!)],
            certificate.GetProperty("csr").GetString()!,
            body.RootElement.GetProperty("organization").GetProperty("id").GetInt64(),
            script);
        Orders[order.Id] = order;
        return script.IssueAtSubmission
            ? Results.Json(new { id = order.Id, status = "issued", certificate_id = Issue(order) }, statusCode: StatusCodes.Status201Created)
            : Results.Json(new { id = order.Id, status = "pending" }, statusCode: StatusCodes.Status201Created);
    }

    private IResult Status(long id, HttpResponse response)
    {
        if (!Orders.TryGetValue(id, out var order))
        {
            return Errors(StatusCodes.Status404NotFound, "not_found", "No such order.");
        }

        var poll = order.NextPoll();
        var script = order.Script;
        if (poll <= script.ThrottledPolls)
        {
            response.Headers.RetryAfter = ((int)script.RetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Errors(StatusCodes.Status429TooManyRequests, "rate_limited", "Too many requests.");
        }

        if (poll <= script.ThrottledPolls + script.FailingPolls)
        {
            return Errors(StatusCodes.Status503ServiceUnavailable, "service_unavailable", "Try again later.");
        }

        if (poll <= script.ThrottledPolls + script.FailingPolls + script.PendingPolls)
        {
            return Results.Json(new { id, status = "pending" });
        }

        return script.Rejects
            ? Results.Json(new { id, status = "rejected" })
            : Results.Json(new { id, status = "issued", certificate = new { id = Issue(order) } });
    }

    private IResult Download(long id)
    {
        var order = Orders.Values.FirstOrDefault(candidate => candidate.CertificateId == id && candidate.CertificatePem is not null);
        return order is null
            ? Errors(StatusCodes.Status404NotFound, "not_found", "No such certificate.")
            : Results.Text(order.CertificatePem + Ca.RootPem, "application/x-pem-file");
    }

    private long Issue(FakeOrder order)
    {
        CertificateOf(order);
        return order.CertificateId;
    }

    private static IResult Errors(int status, string code, string message) =>
        Results.Json(new { errors = new[] { new { code, message } } }, statusCode: status);
}
