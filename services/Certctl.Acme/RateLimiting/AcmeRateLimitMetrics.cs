using System.Diagnostics.Metrics;
using Certctl.ServiceDefaults;

namespace Certctl.Acme.RateLimiting;

/// <summary>ACME rate-limit decisions by limit and outcome, on the Certctl meter.</summary>
public sealed class AcmeRateLimitMetrics
{
    private readonly Counter<long> _decisions;

    public AcmeRateLimitMetrics()
        : this(Telemetry.Meter)
    {
    }

    /// <summary>Records on <paramref name="meter"/> (tests pass their own).</summary>
    public AcmeRateLimitMetrics(Meter meter) =>
        _decisions = meter.CreateCounter<long>("certctl.acme.rate_limit.decisions",
            description: "ACME rate-limit decisions, tagged with limit and outcome (allowed, refused).");

    public void Decision(AcmeRateLimit limit, bool allowed) =>
        _decisions.Add(1, new KeyValuePair<string, object?>("limit", limit.ToString()), new KeyValuePair<string, object?>("outcome", allowed ? "allowed" : "refused"));
}
