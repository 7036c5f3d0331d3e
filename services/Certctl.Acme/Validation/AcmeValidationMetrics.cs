using System.Diagnostics.Metrics;
using Certctl.ServiceDefaults;

namespace Certctl.Acme.Validation;

/// <summary>Challenge validations by type and outcome (<c>valid</c> or the ACME problem type that failed them), on the Certctl meter.</summary>
public sealed class AcmeValidationMetrics
{
    private const string ProblemPrefix = "urn:ietf:params:acme:error:";
    private readonly Counter<long> _validations;

    public AcmeValidationMetrics()
        : this(Telemetry.Meter)
    {
    }

    /// <summary>Records on <paramref name="meter"/> (tests pass their own).</summary>
    public AcmeValidationMetrics(Meter meter) =>
        _validations = meter.CreateCounter<long>("certctl.acme.validations",
            description: "ACME challenge validations, tagged with type (http-01, dns-01, tls-alpn-01) and outcome (valid, or the problem type).");

    public void Validation(string type, ChallengeValidationResult result)
    {
        var outcome = result.IsValid ? "valid" : result.Problem!.Type.Replace(ProblemPrefix, "", StringComparison.Ordinal);
        _validations.Add(1, new KeyValuePair<string, object?>("type", type), new KeyValuePair<string, object?>("outcome", outcome));
    }
}
