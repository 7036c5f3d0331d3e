using Microsoft.Extensions.Configuration;

namespace Certctl.AppHost;

/// <summary>The suite-wide settings the AppHost reads from its environment (see docs/configuration.md).</summary>
internal sealed record SuiteSettings(
    int GatewayPort, int DatabaseMaxConnections, string DemoSeed, double TraceSampleRatio, double TraceMaxPerSecond, int TraceBurst,
    int MetricExportIntervalMs, int DemoSitePort)
{
    /// <summary>The gateway's documented address is http://localhost:8080.</summary>
    public const int DefaultGatewayPort = 8080;

    /// <summary>
    /// Each service's pool in the suite. A service on its own keeps the original's 50 (<c>DatabaseDefaults</c>); the suite runs six
    /// services and the local Postgres on one host, where 6 × 50 backends compete for a few cores. On two cores, 12 each made
    /// acme_issuance 77–81 certificates/s against 64 with 50 (Postgres CPU per certificate 8.7–9.1 ms against 12.0), and agent_storm
    /// still held p99 31.6 ms at 2,000 heartbeats/s.
    /// </summary>
    public const int DefaultDatabaseMaxConnections = 12;

    /// <summary>The demo site's documented address is https://localhost:8443.</summary>
    public const int DefaultDemoSitePort = 8443;

    public static SuiteSettings From(IConfiguration configuration) => new(
        ReadInt(configuration, "CERTCTL_GATEWAY_PORT", DefaultGatewayPort, 1, 65535),
        ReadInt(configuration, "CERTCTL_DATABASE_MAX_CONNS", DefaultDatabaseMaxConnections, 1, 10_000),
        configuration["CERTCTL_DEMO_SEED"] ?? "true",
        ReadDouble(configuration, "CERTCTL_TRACE_SAMPLE_RATIO", 1, 0, 1),
        ReadDouble(configuration, "CERTCTL_TRACE_MAX_PER_SECOND", DefaultTraceMaxPerSecond, 0, 1_000_000),
        ReadInt(configuration, "CERTCTL_TRACE_BURST", DefaultTraceBurst, 1, 1_000_000),
        ReadInt(configuration, "CERTCTL_METRIC_EXPORT_INTERVAL_MS", DefaultMetricExportIntervalMs, 100, 600_000),
        ReadInt(configuration, "CERTCTL_DEMO_SITE_PORT", DefaultDemoSitePort, 1, 65535));

    /// <summary>The demo loop runs with the demo seed (true, 1 or yes, as the migration runner reads it): the seed holds its rows.</summary>
    public bool DemoLoop => DemoSeed.Trim().ToLowerInvariant() is "true" or "1" or "yes";

    /// <summary>
    /// How often each service sends its metrics to the dashboard. Aspire's own default is every second, which with seven processes
    /// keeps the dashboard at half a core on an idle two-core machine; every 5 s draws the same charts at a fifth of the cost.
    /// </summary>
    public const int DefaultMetricExportIntervalMs = 5000;

    /// <summary>
    /// Most new traces each service starts a second on average (0: no limit), after bursts of up to <see cref="DefaultTraceBurst"/>,
    /// on top of <c>CERTCTL_TRACE_SAMPLE_RATIO</c> (share of new traces, default 1). Local work comes in bursts below it, so every
    /// request and job is traced; under load the dashboard gets a steady sample instead of every span (at 100 % it spent more CPU on
    /// a 10,000-renewal drain than the CA connector did; at ten a second, a quarter of a core under acme_issuance).
    /// </summary>
    public const double DefaultTraceMaxPerSecond = 2;

    /// <summary>Most new traces each service starts at once after a quiet spell.</summary>
    public const int DefaultTraceBurst = 20;

    private static double ReadDouble(IConfiguration configuration, string key, double fallback, double min, double max)
    {
        var raw = configuration[key];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return fallback;
        }

        return double.TryParse(raw, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value)
            && value >= min && value <= max
            ? value
            : throw new InvalidOperationException($"{key} must be a number from {min} to {max}; got '{raw}'.");
    }

    private static int ReadInt(IConfiguration configuration, string key, int fallback, int min, int max)
    {
        var raw = configuration[key];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return fallback;
        }

        return int.TryParse(raw, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new InvalidOperationException($"{key} must be a whole number from {min} to {max}; got '{raw}'.");
    }
}
