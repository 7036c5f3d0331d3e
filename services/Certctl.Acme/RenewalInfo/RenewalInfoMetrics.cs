using System.Diagnostics.Metrics;
using Certctl.ServiceDefaults;

namespace Certctl.Acme.RenewalInfo;

/// <summary>renewalInfo requests by outcome, on the Certctl meter.</summary>
public sealed class RenewalInfoMetrics
{
    private readonly Counter<long> _requests;

    public RenewalInfoMetrics()
        : this(Telemetry.Meter)
    {
    }

    /// <summary>Records on <paramref name="meter"/> (tests pass their own).</summary>
    public RenewalInfoMetrics(Meter meter) =>
        _requests = meter.CreateCounter<long>("certctl.acme.renewal_info.requests",
            description: "ACME renewalInfo requests, tagged with outcome: window, malformed, unknown_certificate, unknown_profile, disabled.");

    public void Request(string outcome) => _requests.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
}
