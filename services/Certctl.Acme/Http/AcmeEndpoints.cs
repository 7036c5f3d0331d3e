using Certctl.Acme.Jws;
using Certctl.Acme.Problems;

namespace Certctl.Acme.Http;

/// <summary>The handler of a JWS-authenticated ACME endpoint: gets a verified request, returns a response or a problem.</summary>
public delegate Task<AcmeResponse> AcmeHandler(AcmeRequest request, CancellationToken cancellationToken);

/// <summary>The handler of an unauthenticated ACME GET (directory-like resources, renewal information).</summary>
public delegate Task<AcmeResponse> AcmeGetHandler(HttpContext context, AcmeProfile profile, AcmeUrls urls, CancellationToken cancellationToken);

/// <summary>
/// Maps ACME endpoints under both URL families at once: <c>/acme/profile/{id}{pattern}</c> and the <c>/acme{pattern}</c>
/// shorthand for the default profile.
/// </summary>
/// <example>
/// An authenticated endpoint (kid; POST and POST-as-GET alike) in a feature's <c>MapAcmeXxx</c> extension:
/// <code>
/// app.MapAcmePost("/order/{orderId}", AcmeAuth.Kid, async (request, cancellationToken) =>
/// {
///     var orderId = request.RouteValue("orderId");
///     var account = request.RequiredAccount;            // valid, of request.Profile, signature verified
///     if (request.Payload is { } payload) { … }         // null = POST-as-GET
///     if (notFound) return AcmeProblems.NotFound();     // AcmeProblem converts to AcmeResponse
///     return AcmeResponse.Ok(body) with { RetryAfter = TimeSpan.FromSeconds(3), Location = request.Urls.Order(orderId) };
/// });
/// </code>
/// The pipeline (<see cref="JwsVerifier"/>) runs before the handler; every answer, problems included, gets <c>Replay-Nonce</c>,
/// <c>Link: &lt;directory&gt;;rel="index"</c> and <c>Cache-Control: no-store</c>; <see cref="AcmeResponse.RetryAfter"/> or
/// <see cref="AcmeProblem.RetryAfter"/> becomes <c>Retry-After</c>. A handler that throws answers 500 <c>serverInternal</c> with a
/// generic detail (the exception is logged, never sent). Build every URL with <see cref="AcmeRequest.Urls"/>.
/// </example>
public static partial class AcmeEndpoints
{
    /// <summary>The per-profile family.</summary>
    public const string ProfilePrefix = "/acme/profile/{" + AcmeProfileResolver.ProfileRouteValue + "}";

    /// <summary>The default-profile shorthand family.</summary>
    public const string ShorthandPrefix = "/acme";

    /// <summary>Maps a JWS-authenticated POST at <paramref name="pattern"/> (e.g. <c>/new-order</c>) under both families.</summary>
    public static IEndpointRouteBuilder MapAcmePost(this IEndpointRouteBuilder app, string pattern, AcmeAuth auth, AcmeHandler handler)
    {
        foreach (var prefix in (string[])[ProfilePrefix, ShorthandPrefix])
        {
            app.MapPost(prefix + pattern, context => HandlePostAsync(context, auth, handler));
        }

        return app;
    }

    /// <summary>Maps an unauthenticated GET (and HEAD) at <paramref name="pattern"/> under both families, with the same answer conventions.</summary>
    public static IEndpointRouteBuilder MapAcmeGet(this IEndpointRouteBuilder app, string pattern, AcmeGetHandler handler)
    {
        foreach (var prefix in (string[])[ProfilePrefix, ShorthandPrefix])
        {
            app.MapMethods(prefix + pattern, [HttpMethods.Get, HttpMethods.Head], context => HandleGetAsync(context, handler));
        }

        return app;
    }

    private static async Task HandlePostAsync(HttpContext context, AcmeAuth auth, AcmeHandler handler)
    {
        var services = context.RequestServices;
        var writer = services.GetRequiredService<AcmeResponseWriter>();
        var cancellationToken = context.RequestAborted;
        var (profile, urls, problem) = await services.GetRequiredService<AcmeProfileResolver>().ResolveAsync(context, cancellationToken);
        if (problem is not null)
        {
            await writer.WriteAsync(context, null, problem);
            return;
        }

        AcmeResponse response;
        try
        {
            var verification = await services.GetRequiredService<JwsVerifier>().VerifyAsync(context.Request, profile!, urls!, auth, cancellationToken);
            response = verification.Problem is { } refused
                ? refused
                : await handler(new AcmeRequest(context, profile!, urls!, verification), cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            LogHandlerFailure(services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AcmeEndpoints)), exception, context.Request.Path);
            response = AcmeProblems.ServerInternal();
        }

        await writer.WriteAsync(context, urls, response);
    }

    private static async Task HandleGetAsync(HttpContext context, AcmeGetHandler handler)
    {
        var services = context.RequestServices;
        var writer = services.GetRequiredService<AcmeResponseWriter>();
        var cancellationToken = context.RequestAborted;
        var (profile, urls, problem) = await services.GetRequiredService<AcmeProfileResolver>().ResolveAsync(context, cancellationToken);
        if (problem is not null)
        {
            await writer.WriteAsync(context, null, problem);
            return;
        }

        AcmeResponse response;
        try
        {
            response = await handler(context, profile!, urls!, cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            LogHandlerFailure(services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AcmeEndpoints)), exception, context.Request.Path);
            response = AcmeProblems.ServerInternal();
        }

        await writer.WriteAsync(context, urls, response);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "ACME request {Path} failed; answered 500 serverInternal.")]
    private static partial void LogHandlerFailure(ILogger logger, Exception exception, string path);
}
