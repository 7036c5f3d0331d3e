namespace Certctl.Gateway.Caching;

/// <summary>Endpoint filter of a polled list: answers a matching If-None-Match with 304 before the handler runs, else tags the 200.</summary>
/// <remarks>
/// The set is the one the handler's <see cref="IListFilter"/> argument (its bound query) selects, else <paramref name="defaultFilter"/>.
/// A tag cached by <see cref="ListETagCache"/> is used when the table is unchanged; otherwise it is read from the journal.
/// </remarks>
internal sealed class ListETagFilter(string table, IListFilter defaultFilter) : IEndpointFilter
{
    /// <summary>Clients must revalidate each time (If-None-Match makes that cheap); shared caches must not store operator data.</summary>
    public const string CacheControl = "private, no-cache";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var cache = http.RequestServices.GetRequiredService<ListETagCache>();
        var key = ListETagCache.KeyFor(table, http.Request);
        if (!cache.TryGet(key, table, out var etag))
        {
            // The version is read BEFORE the handler's list query (its own, later snapshot). A change committed in between
            // then pairs new rows with the old tag, so the next poll gets a spurious 200. Read after the query, the new tag
            // would be paired with the old rows and every later poll would get a 304 for stale data.
            var generation = cache.Generation;
            var filter = context.Arguments.OfType<IListFilter>().FirstOrDefault() ?? defaultFilter;
            var (filtered, whole) = await http.RequestServices.GetRequiredService<ListETag>().ReadVersionAsync(table, filter, http.RequestAborted);
            etag = ListETag.For(table, filtered, http.Request.Path, http.Request.Query);
            cache.Store(key, etag, whole, generation);
        }

        if (IfNoneMatch.Matches(http.Request, etag))
        {
            return new NotModifiedResult(etag);
        }

        // Tag only a 200: the handler may still answer with a problem.
        http.Response.OnStarting(() =>
        {
            if (http.Response.StatusCode == StatusCodes.Status200OK)
            {
                http.Response.Headers.ETag = etag;
                http.Response.Headers.CacheControl = CacheControl;
            }

            return Task.CompletedTask;
        });
        return await next(context);
    }
}
