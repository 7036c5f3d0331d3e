using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Transforms;

namespace Certctl.Gateway.Proxy;

/// <summary>
/// The routes the gateway forwards instead of answering: ACME to <c>acme</c>, the agent-facing paths to
/// <c>agent-ingest</c>. Operator agent endpoints (GET <c>/api/v1/agents</c>, GET/DELETE <c>/api/v1/agents/{id}</c>,
/// GET <c>/api/v1/agents/retired</c>) are not listed: they stay in the gateway, which is why registration matches on POST.
/// </summary>
public static class ProxyRoutes
{
    /// <summary>Aspire resource name of the ACME service.</summary>
    public const string AcmeService = "acme";

    /// <summary>Aspire resource name of the agent ingest service.</summary>
    public const string AgentIngestService = "agent-ingest";

    // YARP's reserved policy name that marks a route AllowAnonymous: ACME and agents bring their own auth.
    private const string Anonymous = "anonymous";

    // No bytes either way for this long ends the proxied call with 504; a heartbeat takes milliseconds.
    private static readonly TimeSpan ActivityTimeout = TimeSpan.FromSeconds(60);

    // RFC 8555 requests are small JWS documents; the Internet does not get to stream gigabytes into the gateway.
    private const long AcmeMaxRequestBodyBytes = 1024 * 1024;

    /// <summary>Every proxied route.</summary>
    public static IReadOnlyList<RouteConfig> Routes { get; } =
    [
        Route("acme", AcmeService, "/acme/{**rest}", maxBodyBytes: AcmeMaxRequestBodyBytes),
        Route("agent-register", AgentIngestService, "/api/v1/agents", "POST"),
        Route("agent-heartbeat", AgentIngestService, "/api/v1/agents/{id}/heartbeat", "POST"),
        Route("agent-work", AgentIngestService, "/api/v1/agents/{id}/work", "GET"),
        Route("agent-csr", AgentIngestService, "/api/v1/agents/{id}/csr", "POST"),
        Route("agent-certificate", AgentIngestService, "/api/v1/agents/{id}/certificates/{certificateId}", "GET"),
        Route("agent-job-status", AgentIngestService, "/api/v1/agents/{id}/jobs/{jobId}/status", "POST"),
        Route("agent-job-verification", AgentIngestService, "/api/v1/agents/{id}/jobs/{jobId}/verification", "POST"),
        Route("agent-discoveries", AgentIngestService, "/api/v1/agents/{id}/discoveries", "POST"),
    ];

    /// <summary>One cluster per downstream service, resolved through Aspire service discovery.</summary>
    public static IReadOnlyList<ClusterConfig> Clusters { get; } = [Cluster(AcmeService), Cluster(AgentIngestService)];

    private static RouteConfig Route(string id, string cluster, string path, string? method = null, long? maxBodyBytes = null) =>
        new RouteConfig
        {
            RouteId = id,
            ClusterId = cluster,
            AuthorizationPolicy = Anonymous,
            MaxRequestBodySize = maxBodyBytes,
            Match = new RouteMatch { Path = path, Methods = method is null ? null : [method] },
        }
        // YARP's default, stated so nobody loses it: the downstream learns the client address and the URL the client used
        // (ACME builds its absolute URLs from X-Forwarded-Proto/Host). Set, not Append: client-sent values are discarded.
        .WithTransformXForwarded(xDefault: ForwardedTransformActions.Set);

    // "https+http://name": https when the service exposes it, otherwise its endpoint named "http"
    // (Aspire passes services__name__http__0=http://host:port).
    private static ClusterConfig Cluster(string service) => new()
    {
        ClusterId = service,
        Destinations = new Dictionary<string, DestinationConfig> { [service] = new() { Address = $"https+http://{service}" } },
        HttpRequest = new ForwarderRequestConfig { ActivityTimeout = ActivityTimeout },
    };
}
