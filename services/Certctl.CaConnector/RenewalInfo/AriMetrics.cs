using System.Diagnostics.Metrics;
using Certctl.ServiceDefaults;

namespace Certctl.CaConnector.RenewalInfo;

/// <summary>renewalInfo polls by outcome, and ACME issuers whose configuration cannot drive ARI, on the Certctl meter.</summary>
public sealed class AriMetrics
{
    private readonly Counter<long> _polls;
    private readonly Counter<long> _issuerErrors;

    public AriMetrics()
        : this(Telemetry.Meter)
    {
    }

    /// <summary>Records on <paramref name="meter"/> (tests pass their own).</summary>
    public AriMetrics(Meter meter)
    {
        _polls = meter.CreateCounter<long>("certctl.ca.ari.polls",
            description: "ACME renewalInfo polls, tagged with outcome: window, not_supported, temporary_error, error.");
        _issuerErrors = meter.CreateCounter<long>("certctl.ca.ari.issuer_errors",
            description: "ACME issuers skipped by an ARI poll run because their configuration could not be read.");
    }

    public void Poll(AriOutcome outcome) => _polls.Add(1, new KeyValuePair<string, object?>("outcome", Tag(outcome)));

    public void IssuerError() => _issuerErrors.Add(1);

    private static string Tag(AriOutcome outcome) => outcome switch
    {
        AriOutcome.Window => "window",
        AriOutcome.NotSupported => "not_supported",
        AriOutcome.TemporaryError => "temporary_error",
        _ => "error",
    };
}
