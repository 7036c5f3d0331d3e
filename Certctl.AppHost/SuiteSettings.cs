using Microsoft.Extensions.Configuration;

namespace Certctl.AppHost;

/// <summary>The suite-wide settings the AppHost reads from its environment (see docs/configuration.md).</summary>
internal sealed record SuiteSettings(int GatewayPort, int DatabaseMaxConnections, string DemoSeed)
{
    /// <summary>The gateway's documented address is http://localhost:8080.</summary>
    public const int DefaultGatewayPort = 8080;

    public static SuiteSettings From(IConfiguration configuration) => new(
        ReadInt(configuration, "CERTCTL_GATEWAY_PORT", DefaultGatewayPort, 1, 65535),
        ReadInt(configuration, "CERTCTL_DATABASE_MAX_CONNS", 50, 1, 10_000),
        configuration["CERTCTL_DEMO_SEED"] ?? "true");

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
