using System.Collections.Concurrent;
using System.Text.Json;
using Certctl.Acme.Http;
using Microsoft.Extensions.Options;

namespace Certctl.Acme.Directory;

/// <summary>
/// <c>GET …/directory</c> and <c>HEAD/GET …/new-nonce</c>: the two hottest resources, answered from memory (the profile list and
/// the serialized directory per URL prefix are cached; the nonce is sealed, not stored).
/// </summary>
public static class DirectoryEndpoints
{
    public static IEndpointRouteBuilder MapAcmeDirectory(this IEndpointRouteBuilder app)
    {
        app.MapAcmeGet("/directory", (context, _, urls, _) =>
            Task.FromResult(context.RequestServices.GetRequiredService<DirectoryCache>().Response(urls)));

        // RFC 8555 §7.2: HEAD answers 200, GET 204; both carry the nonce the response writer adds.
        app.MapAcmeGet("/new-nonce", (context, _, _, _) => Task.FromResult(HttpMethods.IsHead(context.Request.Method) ? HeadNonce : GetNonce));
        return app;
    }

    private static readonly AcmeResponse HeadNonce = AcmeResponse.Json(StatusCodes.Status200OK, null);
    private static readonly AcmeResponse GetNonce = AcmeResponse.Json(StatusCodes.Status204NoContent, null);
}

/// <summary>
/// The serialized directory per URL prefix (scheme, host and profile). The host comes from the client, so the cache is bounded:
/// past <see cref="MaxEntries"/> prefixes a directory is built per request instead of remembered.
/// </summary>
public sealed class DirectoryCache(IOptions<AcmeServerOptions> options)
{
    internal const int MaxEntries = 1024;

    private readonly ConcurrentDictionary<string, AcmeResponse> _responses = new(StringComparer.Ordinal);

    public AcmeResponse Response(AcmeUrls urls)
    {
        if (_responses.TryGetValue(urls.Prefix, out var cached))
        {
            return cached;
        }

        var response = Build(urls, options.Value);
        if (_responses.Count < MaxEntries)
        {
            _responses.TryAdd(urls.Prefix, response);
        }

        return response;
    }

    private static AcmeResponse Build(AcmeUrls urls, AcmeServerOptions settings)
    {
        var caa = settings.CaaIdentityList;
        var meta = new DirectoryMeta(
            NullIfEmpty(settings.TermsOfServiceUrl), NullIfEmpty(settings.Website), caa.Count > 0 ? caa : null, settings.ExternalAccountRequired);
        var document = new DirectoryDocument(
            urls.NewNonce, urls.NewAccount, urls.NewOrder, urls.RevokeCert, urls.KeyChange,
            settings.RenewalInfoEnabled ? urls.RenewalInfo : null,
            meta == new DirectoryMeta(null, null, null, false) ? null : meta);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(document, AcmeJson.Options);
        // The directory changes only with configuration: clients may keep it, revalidating each time.
        return AcmeResponse.Json(StatusCodes.Status200OK, null) with
        {
            RawBody = bytes, ContentType = "application/json", CacheControl = "public, max-age=0, no-cache",
        };
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
