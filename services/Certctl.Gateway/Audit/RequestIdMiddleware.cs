namespace Certctl.Gateway.Audit;

/// <summary>Returns the request id (<see cref="HttpContext.TraceIdentifier"/>, also in audit rows and problem details) as <c>X-Request-ID</c>.</summary>
internal sealed class RequestIdMiddleware(RequestDelegate next)
{
    public const string HeaderName = "X-Request-ID";

    public Task InvokeAsync(HttpContext context)
    {
        // Set when the response starts, so it survives the exception handler clearing the headers of a failed request.
        context.Response.OnStarting(static state =>
        {
            var httpContext = (HttpContext)state;
            httpContext.Response.Headers[HeaderName] = httpContext.TraceIdentifier;
            return Task.CompletedTask;
        }, context);
        return next(context);
    }
}
