using Certctl.Contracts;
using Certctl.Gateway.Caching;
using MassTransit;
using Microsoft.Net.Http.Headers;
using Npgsql;

namespace Certctl.Gateway.Pki;

/// <summary><c>GET /.well-known/pki/crl/{issuer_id}</c>: the issuer's DER CRL from <c>crl_cache</c>, with a strong ETag and 304s.</summary>
public static partial class CrlEndpoint
{
    /// <summary>The CRL's media type (RFC 5280 §4.2.1.13 for <c>.crl</c> files).</summary>
    public const string ContentType = "application/pkix-crl";

    /// <summary>Longest time a client may reuse the CRL without asking again; never past its nextUpdate.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromHours(1);

    /// <summary>Seconds a client should wait when no CRL has been generated yet.</summary>
    public const int RetryAfterSeconds = 5;

    /// <summary>
    /// 200 with the DER CRL; 304 when If-None-Match names its tag; 404 problem for an unknown issuer or one that has no CRL here (not an
    /// enabled local CA); 503 problem with Retry-After when the issuer has no CRL yet, after asking the connector to make one.
    /// </summary>
    public static async Task<IResult> GetCrl(
        string issuer_id, HttpContext http, NpgsqlDataSource db, IPublishEndpoint publisher, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            SELECT i.type, i.enabled, c.etag, c.next_update FROM issuers i LEFT JOIN crl_cache c ON c.issuer_id = i.id WHERE i.id = @issuer_id
            """);
        command.Parameters.Add(new NpgsqlParameter<string>("issuer_id", issuer_id));
        string type, etag;
        bool enabled;
        DateTimeOffset nextUpdate = default;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown issuer", detail: $"There is no issuer '{issuer_id}'.");
            }

            (type, enabled, etag) = (reader.GetString(0), reader.GetBoolean(1), reader.IsDBNull(2) ? "" : reader.GetString(2));
            if (!reader.IsDBNull(3))
            {
                nextUpdate = reader.GetFieldValue<DateTimeOffset>(3);
            }
        }

        if (type != "GenericCA" || !enabled)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No CRL",
                detail: $"Issuer '{issuer_id}' ({type}{(enabled ? "" : ", disabled")}) has no CRL here; only enabled local CA issuers publish one.");
        }

        if (etag.Length == 0)
        {
            await AskForCrlAsync(issuer_id, publisher, time, loggers.CreateLogger(typeof(CrlEndpoint)));
            http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "CRL not generated yet",
                detail: $"The CRL of issuer '{issuer_id}' is being generated; try again in {RetryAfterSeconds} seconds.");
        }

        var cacheControl = CacheControl(nextUpdate, time.GetUtcNow());
        if (IfNoneMatch.Matches(http.Request, etag))
        {
            return new CrlNotModified(etag, cacheControl);
        }

        await using var body = db.CreateCommand("SELECT crl_der, etag FROM crl_cache WHERE issuer_id = @issuer_id");
        body.Parameters.Add(new NpgsqlParameter<string>("issuer_id", issuer_id));
        await using var crl = await body.ExecuteReaderAsync(cancellationToken);
        if (!await crl.ReadAsync(cancellationToken))
        {
            // The issuer was deleted between the two reads (its crl_cache row goes with it).
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown issuer", detail: $"There is no issuer '{issuer_id}'.");
        }

        http.Response.Headers.ETag = crl.GetString(1);
        http.Response.Headers.CacheControl = cacheControl;
        return TypedResults.Bytes(crl.GetFieldValue<byte[]>(0), ContentType);
    }

    private static string CacheControl(DateTimeOffset nextUpdate, DateTimeOffset now)
    {
        var seconds = (long)Math.Clamp((nextUpdate - now).TotalSeconds, 0, MaxAge.TotalSeconds);
        return $"public, max-age={seconds}, must-revalidate";
    }

    private static async Task AskForCrlAsync(string issuerId, IPublishEndpoint publisher, TimeProvider time, ILogger logger)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await publisher.Publish(new GenerateCrl(issuerId, "gateway", time.GetUtcNow()), timeout.Token);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogNotAsked(logger, exception, issuerId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not ask the CA connector for the CRL of {IssuerId}; the scheduler's pre-generation loop makes it")]
    private static partial void LogNotAsked(ILogger logger, Exception exception, string issuerId);

    /// <summary>304 with the tag and the CRL's cache directives, no body.</summary>
    private sealed class CrlNotModified(string etag, string cacheControl) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status304NotModified;
            httpContext.Response.Headers[HeaderNames.ETag] = etag;
            httpContext.Response.Headers.CacheControl = cacheControl;
            return Task.CompletedTask;
        }
    }
}
