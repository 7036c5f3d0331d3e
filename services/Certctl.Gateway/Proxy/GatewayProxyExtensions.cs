namespace Certctl.Gateway.Proxy;

/// <summary>Registers and maps the gateway's reverse proxy (YARP, configured in code, destinations from service discovery).</summary>
public static class GatewayProxyExtensions
{
    // Long-lived pooled connections pin to one replica behind a Kubernetes Service; recycling them spreads the load.
    private static readonly TimeSpan PooledConnectionLifetime = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Adds YARP with the routes in <see cref="ProxyRoutes"/> and a forwarding client tuned for heartbeat traffic.</summary>
    public static WebApplicationBuilder AddGatewayProxy(this WebApplicationBuilder builder)
    {
        builder.Services.AddServiceDiscovery();
        builder.Services.AddReverseProxy()
            .LoadFromMemory(ProxyRoutes.Routes, ProxyRoutes.Clusters)
            .ConfigureHttpClient((_, handler) =>
            {
                // YARP's defaults already match; stated here because a proxy must never follow redirects or keep cookies.
                handler.AllowAutoRedirect = false;
                handler.UseCookies = false;
                handler.UseProxy = false;
                handler.AutomaticDecompression = System.Net.DecompressionMethods.None;
                handler.ConnectTimeout = ConnectTimeout;
                handler.PooledConnectionLifetime = PooledConnectionLifetime;
                handler.PooledConnectionIdleTimeout = PooledConnectionIdleTimeout;
                handler.MaxConnectionsPerServer = int.MaxValue;
                handler.EnableMultipleHttp2Connections = true;
            })
            .AddServiceDiscoveryDestinationResolver();
        return builder;
    }

    /// <summary>
    /// Maps the proxied routes. They are anonymous to the gateway (ACME and agents authenticate with the service behind
    /// the proxy) and carry <see cref="ProxiedRoute"/> so gateway middleware can skip them.
    /// </summary>
    public static WebApplication MapGatewayProxy(this WebApplication app)
    {
        app.MapReverseProxy().WithMetadata(ProxiedRoute.Instance);
        return app;
    }
}
