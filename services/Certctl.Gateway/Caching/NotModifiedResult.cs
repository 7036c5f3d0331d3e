namespace Certctl.Gateway.Caching;

/// <summary>304 Not Modified with the current ETag and cache directives and an empty body.</summary>
internal sealed class NotModifiedResult(string etag) : IResult, IStatusCodeHttpResult
{
    public int? StatusCode => StatusCodes.Status304NotModified;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status304NotModified;
        httpContext.Response.Headers.ETag = etag;
        httpContext.Response.Headers.CacheControl = ListETagFilter.CacheControl;
        return Task.CompletedTask;
    }
}
