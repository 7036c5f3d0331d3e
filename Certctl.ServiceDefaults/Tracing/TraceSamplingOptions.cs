using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Certctl.ServiceDefaults.Tracing;

/// <summary>
/// <c>CERTCTL_TRACE_SAMPLE_RATIO</c> (share of new traces, 0–1, default 1) and <c>CERTCTL_TRACE_MAX_PER_SECOND</c> (most new traces
/// a service starts a second, default <see cref="DefaultMaxPerSecond"/>, 0 = no limit). Both apply to root spans only: a trace a
/// caller sampled is always continued, so a kept trace is whole across the services.
/// </summary>
public sealed record TraceSamplingOptions(double Ratio, double MaxPerSecond)
{
    public const string RatioKey = "CERTCTL_TRACE_SAMPLE_RATIO";
    public const string MaxPerSecondKey = "CERTCTL_TRACE_MAX_PER_SECOND";

    /// <summary>
    /// Ten new traces a second per service: every request and job of local work, and under load a sample that costs the dashboard a
    /// few percent of a core instead of one.
    /// </summary>
    public const double DefaultMaxPerSecond = 10;

    public static TraceSamplingOptions From(IConfiguration configuration) => new(
        Read(configuration, RatioKey, 1, 0, 1),
        Read(configuration, MaxPerSecondKey, DefaultMaxPerSecond, 0, 1_000_000));

    private static double Read(IConfiguration configuration, string key, double fallback, double min, double max)
    {
        var raw = configuration[key];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return fallback;
        }

        return double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new InvalidOperationException($"{key} must be a number from {min} to {max}; got '{raw}'.");
    }
}
