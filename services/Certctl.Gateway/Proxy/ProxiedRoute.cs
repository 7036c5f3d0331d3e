namespace Certctl.Gateway.Proxy;

/// <summary>
/// Endpoint metadata on every proxied route (<c>/acme/**</c> and the agent paths). Those requests carry the ACME or
/// agent credentials of the service behind the proxy, so gateway middleware (API-key authentication, audit, rate
/// limits) should skip an endpoint that has this metadata.
/// </summary>
public sealed class ProxiedRoute
{
    /// <summary>The one instance attached to every proxied endpoint.</summary>
    public static ProxiedRoute Instance { get; } = new();

    private ProxiedRoute()
    {
    }

    /// <summary>True when the request was routed to a proxied endpoint.</summary>
    public static bool IsProxied(HttpContext context) => context.GetEndpoint()?.Metadata.GetMetadata<ProxiedRoute>() is not null;
}
