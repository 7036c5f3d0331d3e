using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Certctl.CaConnector.Tests.FakeVendors;

/// <summary>
/// A local stand-in for an ACME CA's renewal information on 127.0.0.1 (Kestrel): a directory (with or without
/// <c>renewalInfo</c>) and <c>GET /renewal-info/{certID}</c> answered by the <see cref="AriScript"/> planned for each CertID
/// (404 when none is). It counts the requests it gets.
/// </summary>
public sealed class FakeAriServer : FakeVendorServer
{
    private readonly ConcurrentDictionary<string, AriScript> _scripts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _requests = new(StringComparer.Ordinal);
    private int _directoryReads;

    private FakeAriServer()
    {
    }

    /// <summary>False: the directory lists no <c>renewalInfo</c> (a CA without ARI).</summary>
    public bool OffersRenewalInfo { get; set; } = true;

    /// <summary>The issuer's <c>directory_url</c>.</summary>
    public string DirectoryUrl => Origin + "/directory";

    public int DirectoryReads => Volatile.Read(ref _directoryReads);

    /// <summary>Completes when a request for a script with <see cref="AriScript.Stall"/> has arrived.</summary>
    public TaskCompletionSource StalledRequestArrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task<FakeAriServer> StartAsync()
    {
        var server = new FakeAriServer();
        await server.StartAsync(app =>
        {
            app.MapGet("/directory", server.Directory);
            app.MapGet("/renewal-info/{certId}", server.RenewalInfoAsync);
        });
        return server;
    }

    /// <summary>How the next requests for <paramref name="certId"/> are answered.</summary>
    public void Plan(string certId, AriScript script) => _scripts[certId] = script;

    public int RequestsFor(string certId) => _requests.GetValueOrDefault(certId);

    private IResult Directory()
    {
        Interlocked.Increment(ref _directoryReads);
        return OffersRenewalInfo
            ? Results.Json(new Dictionary<string, string> { ["newNonce"] = Origin + "/new-nonce", ["renewalInfo"] = Origin + "/renewal-info" })
            : Results.Json(new Dictionary<string, string> { ["newNonce"] = Origin + "/new-nonce" });
    }

    private async Task<IResult> RenewalInfoAsync(string certId, HttpResponse response, CancellationToken aborted)
    {
        _requests.AddOrUpdate(certId, 1, (_, count) => count + 1);
        if (!_scripts.TryGetValue(certId, out var script))
        {
            return Results.NotFound();
        }

        if (script.Stall)
        {
            StalledRequestArrived.TrySetResult();
            await Task.Delay(Timeout.Infinite, aborted).ContinueWith(_ => { }, TaskScheduler.Default);
            return Results.StatusCode(StatusCodes.Status504GatewayTimeout);
        }

        if (script.RetryAfterSeconds is { } retryAfter)
        {
            response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        }

        if (script.Status != StatusCodes.Status200OK)
        {
            return Results.Problem(statusCode: script.Status, type: "urn:ietf:params:acme:error:serverInternal");
        }

        if (script.Body is { } body)
        {
            return Results.Text(body, "application/json");
        }

        var window = new Dictionary<string, object?>
        {
            ["suggestedWindow"] = new { start = script.Start.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture), end = script.End.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) },
        };
        if (script.ExplanationUrl is not null)
        {
            window["explanationURL"] = script.ExplanationUrl;
        }

        return Results.Json(window);
    }
}

/// <summary>How the fake answers a CertID's renewalInfo requests.</summary>
public sealed record AriScript
{
    public int Status { get; init; } = StatusCodes.Status200OK;

    public DateTimeOffset Start { get; init; }

    public DateTimeOffset End { get; init; }

    public string? ExplanationUrl { get; init; }

    /// <summary>Sent as a Retry-After header (any status); none when null.</summary>
    public int? RetryAfterSeconds { get; init; }

    /// <summary>A raw 200 body instead of the window (a malformed answer).</summary>
    public string? Body { get; init; }

    /// <summary>Never answers: the request hangs until the client gives up.</summary>
    public bool Stall { get; init; }

    public static AriScript Window(DateTimeOffset start, DateTimeOffset end, int? retryAfterSeconds = null, string? explanationUrl = null) =>
        new() { Start = start, End = end, RetryAfterSeconds = retryAfterSeconds, ExplanationUrl = explanationUrl };
}
