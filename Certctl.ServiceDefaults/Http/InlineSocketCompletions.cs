using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Certctl.ServiceDefaults.Http;

/// <summary>
/// Support for <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1</c>: socket completions (and so request processing) run on the
/// epoll threads instead of hopping to a thread-pool worker. Where a context switch is dear (this project's 2-core VMs) that takes
/// a third off the heartbeat path's p99, but nothing may then wait for an epoll thread while running on one.
/// </summary>
/// <remarks>
/// Npgsql breaks that rule when a query is cancelled: its cancellation callback opens a second connection and reads the server's
/// answer synchronously, which an epoll thread must deliver, while the cancelled query's reader, finishing on an epoll thread,
/// waits for that callback. Both epoll threads stalled for Npgsql's cancellation timeout (2 s) each time a client went away
/// during a query (seen: 600 aborted list calls froze the gateway for 5–25 s). So in such a service a client's disconnect does
/// not cancel the request: <see cref="UseInlineCompletionGuard"/> sets <see cref="HttpContext.RequestAborted"/> to
/// <see cref="CancellationToken.None"/>, and a query whose caller left runs to its end (bounded by the command timeout); the
/// response write then fails quietly. Request paths in these services are milliseconds long; none waits on the client.
/// </remarks>
public static class InlineSocketCompletions
{
    /// <summary>The runtime's switch, read once when the first socket is made.</summary>
    public const string EnvironmentVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>True when this process runs socket completions inline.</summary>
    public static bool Enabled { get; } = Environment.GetEnvironmentVariable(EnvironmentVariable) == "1";

    /// <summary>First in the pipeline when <see cref="Enabled"/>: no request is cancelled by its client's disconnect. No-op otherwise.</summary>
    public static IApplicationBuilder UseInlineCompletionGuard(this IApplicationBuilder app) =>
        Enabled ? app.Use(static (context, next) =>
        {
            context.RequestAborted = CancellationToken.None;
            return next(context);
        }) : app;
}
