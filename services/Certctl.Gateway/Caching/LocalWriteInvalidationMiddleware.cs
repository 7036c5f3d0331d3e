namespace Certctl.Gateway.Caching;

/// <summary>
/// After a state-changing operator call (anything but GET, HEAD and OPTIONS under <c>/api/v1</c>) the list tags cached by this
/// gateway are dropped before the response starts, so the caller's next poll through this gateway sees its own write.
/// </summary>
/// <remarks>The proxied agent and ACME paths are left out: their writes are made by other services and reach the cache by polling.</remarks>
internal sealed class LocalWriteInvalidationMiddleware(RequestDelegate next, ListETagCache cache)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!cache.Enabled || HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)
            || !request.Path.StartsWithSegments(GatewayCoreExtensions.OperatorApiPath))
        {
            await next(context);
            return;
        }

        // The handler commits before its result writes the response, so the entries dropped here include every one computed
        // before that commit.
        context.Response.OnStarting(() =>
        {
            cache.Invalidate();
            return Task.CompletedTask;
        });
        try
        {
            await next(context);
        }
        finally
        {
            cache.Invalidate(); // also when no response was started (an aborted request)
        }
    }
}
