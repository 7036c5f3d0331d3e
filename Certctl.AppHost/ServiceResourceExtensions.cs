using Aspire.Hosting.ApplicationModel;
using Certctl.AppHost.Infrastructure;

namespace Certctl.AppHost;

/// <summary>How every Certctl service is wired: database, broker, pool size, health, and the order it starts in.</summary>
internal static class ServiceResourceExtensions
{
    /// <summary>
    /// Adds a service that reaches Postgres as <c>certctl</c> and RabbitMQ as <c>messaging</c>, starts after the
    /// migrations complete, and is healthy when its <c>/health</c> says so (database and broker reachable).
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddCertctlService<TProject>(
        this IDistributedApplicationBuilder builder, string name, CertctlInfrastructure infrastructure,
        IResourceBuilder<ProjectResource> migrations, SuiteSettings settings, int? port = null)
        where TProject : IProjectMetadata, new()
    {
        // Not WaitFor(messaging): MassTransit connects in the background and /health stays "not ready" until the
        // broker answers, so the services start while RabbitMQ boots instead of after it.
        var service = builder.AddProject<TProject>(name)
            .WithReference(infrastructure.Database, "certctl")
            .WithReference(infrastructure.Messaging, "messaging")
            .WithEnvironment("CERTCTL_DATABASE_MAX_CONNS", settings.DatabaseMaxConnections.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WaitForCompletion(migrations);

        // Every service binds its own port (no proxy hop): a DCP proxy in front of the agent-ingest and ACME services cost a
        // third of a core at 1,600 heartbeats/s. A fixed port is the gateway's documented address; the others DCP allocates.
        service = port is { } fixedPort
            ? service.WithHttpEndpoint(port: fixedPort, targetPort: fixedPort, name: "http", isProxied: false)
            : service.WithHttpEndpoint(name: "http", isProxied: false);

        // Seven .NET processes share the machine's cores here: thread-pool workers spinning for work and a server-GC heap per
        // core per process cost CPU the pipeline needs (a 10,000-renewal drain ran 9 % faster without them). Set where the
        // service's own environment does not already say.
        service = service
            .WithEnvironment("DOTNET_ThreadPool_UnfairSemaphoreSpinLimit", Environment.GetEnvironmentVariable("DOTNET_ThreadPool_UnfairSemaphoreSpinLimit") ?? "0")
            .WithEnvironment("DOTNET_gcServer", Environment.GetEnvironmentVariable("DOTNET_gcServer") ?? "0");

        // Registered after AddProject's OTLP settings (Aspire's 1 s), so this wins.
        service = service.WithEnvironment("OTEL_METRIC_EXPORT_INTERVAL",
            settings.MetricExportIntervalMs.ToString(System.Globalization.CultureInfo.InvariantCulture));

        // Every service samples its own new traces by these (Certctl.ServiceDefaults' RateLimitedRootSampler).
        service = service
            .WithEnvironment("CERTCTL_TRACE_SAMPLE_RATIO", settings.TraceSampleRatio.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEnvironment("CERTCTL_TRACE_MAX_PER_SECOND", settings.TraceMaxPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEnvironment("CERTCTL_TRACE_BURST", settings.TraceBurst.ToString(System.Globalization.CultureInfo.InvariantCulture));

        return service.WithHttpHealthCheck("/health");
    }

    /// <summary>
    /// Runs the service's socket completions on the epoll thread (<c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1</c>) unless the
    /// AppHost's own environment says otherwise: one thread hop less per read. On this kind of VM, where a context switch is
    /// dear, the heartbeat path's p99 at 2,000/s fell from 70–112 ms to 21–37 ms (with batched credential reads), and
    /// acme_burst's p95 at 1,000/s from about 20 ms to 6–9 ms. The service's pipeline must then keep blocking work off that
    /// thread; Certctl.ServiceDefaults' <c>UseInlineCompletionGuard</c> does it for request cancellation.
    /// </summary>
    /// <remarks>
    /// Only for the services that answer clients with short, fully asynchronous requests (gateway, agent ingest, ACME). Code that
    /// computes for long on such a thread delays every other socket of the process, so the CA connector (signing) and the
    /// scheduler (batches) keep the default.
    /// </remarks>
    public static IResourceBuilder<ProjectResource> WithInlineSocketCompletions(this IResourceBuilder<ProjectResource> service) =>
        service.WithEnvironment("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS",
            Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") ?? "1");
}
