using Certctl.Gateway.Audit;
using Certctl.Gateway.Auth;
using Certctl.Gateway.Caching;
using Certctl.Gateway.Paging;
using Certctl.Gateway.Problems;
using Certctl.Gateway.Proxy;
using Microsoft.Extensions.DependencyInjection.Extensions;

// The tests drive the audit queue's consumer side directly (backpressure) without making it public API.
[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("Certctl.Gateway.Tests")]

namespace Certctl.Gateway;

/// <summary>The operator API's cross-cutting core: API-key auth, audit trail, problem details, cursor paging and list ETags.</summary>
public static class GatewayCoreExtensions
{
    /// <summary>The operator API's base path.</summary>
    public static readonly PathString OperatorApiPath = "/api/v1";

    /// <summary>Registers the core services; options are validated on start. Needs <c>AddServiceDefaults()</c> and <c>AddCertctlDatabase()</c>.</summary>
    public static WebApplicationBuilder AddGatewayCore(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddGatewayProblems(builder.Configuration);
        builder.Services.AddOperatorAuthentication();
        builder.Services.AddApiAuditTrail(builder.Configuration);
        builder.Services.AddCursorPaging(builder.Configuration);
        builder.Services.AddListETags(builder.Configuration);
        builder.Services.AddScoped<Jobs.JobsQueuedNotice>(); // needs MassTransit's IPublishEndpoint (AddCertctlMessaging)
        builder.Services.AddScoped<Pki.RevocationNotice>(); // the same, for RevokeCertificate after a revoke commits
        return builder;
    }

    /// <summary>
    /// Adds the middleware in order: request id, exception handler (problems), body cap, authentication, audit, authorization;
    /// proxied routes get only authentication and authorization (their fast path).
    /// The audit sits before authorization so that forbidden calls are recorded, and inside the exception handler so that
    /// it sees the status a failed call is answered with.
    /// </summary>
    public static WebApplication UseGatewayCore(this WebApplication app)
    {
        // Proxied requests (agents, ACME) skip the gateway's own middleware: the services behind the proxy answer problems and
        // audit themselves, and at 2,000 heartbeats a second each middleware here is paid 2,000 times a second for nothing.
        // Authentication and authorization stay on the main pipeline: WebApplication adds both at its very start when they are not
        // there (a branch does not count), which would answer 401s before the request id and the audit see them. For a proxied
        // route they are cheap: the API-key handler returns no result at once and the route is anonymous.
        app.UseWhen(IsNotProxied, core => core
            .UseMiddleware<RequestIdMiddleware>()
            .UseExceptionHandler()
            .UseMiddleware<RequestBodyLimitMiddleware>());
        app.UseAuthentication();
        app.UseWhen(IsNotProxied, core => core
            .UseMiddleware<ApiAuditMiddleware>()
            .UseListETagLocalWrites());
        app.UseAuthorization();

        // Once the options are validated, not on the first request: start-up warnings belong in the start-up log.
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            WarnWhenNoKeys(app);
            app.Services.GetRequiredService<CursorCodec>();
        });
        return app;
    }

    /// <summary>
    /// Maps the authorized <c>/api/v1</c> group (any operator key; <c>.RequireAdmin()</c> for admin-only endpoints,
    /// <c>.AllowAnonymous()</c> for exemptions) with <c>GET /api/v1/auth/check</c> on it. Call once; map resources onto the result.
    /// </summary>
    public static RouteGroupBuilder MapOperatorApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup(OperatorApiPath.Value!).RequireAuthorization();
        api.MapAuthCheck();
        return api;
    }

    private static bool IsNotProxied(HttpContext context) => !ProxiedRoute.IsProxied(context);

    private static void WarnWhenNoKeys(WebApplication app)
    {
        if (app.Services.GetRequiredService<ApiKeyRing>().Count == 0)
        {
            app.Logger.LogWarning("{Variable} is empty: every call to the operator API will be refused with 401.", ApiKeyOptions.NamedKeysVariable);
        }
    }
}
