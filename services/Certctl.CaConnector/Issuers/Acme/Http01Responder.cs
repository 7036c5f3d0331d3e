using System.Collections.Concurrent;
using Certctl.Issuance;

namespace Certctl.CaConnector.Issuers.Acme;

/// <summary>
/// The built-in http-01 responder: one small Kestrel listener per configured <c>http_port</c>, started on first use (and at
/// start for every enabled http-01 issuer), answering <c>GET /.well-known/acme-challenge/{token}</c> with the key
/// authorization from <see cref="Http01ChallengeStore"/>, so any replica can answer for an order another replica placed.
/// </summary>
public sealed class Http01Responder(Http01ChallengeStore store, ILogger<Http01Responder> logger) : IAsyncDisposable
{
    public const string PathPrefix = "/.well-known/acme-challenge/";

    private readonly ConcurrentDictionary<int, Lazy<Task<WebApplication>>> _listeners = new();

    /// <summary>Starts listening on <paramref name="port"/> unless it already does.</summary>
    /// <exception cref="CertificateAuthorityException">The port cannot be bound (in use, or below 1024 without the capability).</exception>
    public async Task EnsureListeningAsync(int port, CancellationToken cancellationToken)
    {
        var entry = _listeners.GetOrAdd(port, p => new Lazy<Task<WebApplication>>(() => StartAsync(p)));
        try
        {
            await entry.Value.WaitAsync(cancellationToken);
        }
        catch (Exception ex) when (entry.Value.IsFaulted)
        {
            _listeners.TryRemove(KeyValuePair.Create(port, entry));
            throw new CertificateAuthorityException(
                $"The http-01 responder cannot listen on port {port}: {ex.GetBaseException().Message}. Free the port, or grant the CA connector CAP_NET_BIND_SERVICE for ports below 1024.", ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var entry in _listeners.Values)
        {
            if (entry.IsValueCreated && entry.Value.IsCompletedSuccessfully)
            {
                await entry.Value.Result.DisposeAsync();
            }
        }

        _listeners.Clear();
    }

    private async Task<WebApplication> StartAsync(int port)
    {
        // An empty builder: no configuration sources, so the service's own URLs and settings do not leak into the listener.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.ListenAnyIP(port));
        var app = builder.Build();
        app.Run(AnswerAsync);
        await app.StartAsync();
        logger.LogInformation("The ACME http-01 responder listens on port {Port}.", port);
        return app;
    }

    private async Task AnswerAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method) || !path.StartsWith(PathPrefix, StringComparison.Ordinal))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var token = path[PathPrefix.Length..];
        // Tokens are base64url (RFC 8555 §8.3): anything else is not a question for us.
        if (token.Length is 0 or > 256 || !token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            || await store.FindAsync(token, context.RequestAborted) is not { } keyAuthorization)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        context.Response.ContentType = "application/octet-stream";
        await context.Response.WriteAsync(keyAuthorization, context.RequestAborted);
    }
}
