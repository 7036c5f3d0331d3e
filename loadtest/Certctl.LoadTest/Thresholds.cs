using System.Globalization;
using System.Text.RegularExpressions;

namespace Certctl.LoadTest;

/// <summary>What a threshold looks at.</summary>
public enum ThresholdMetric
{
    P50,
    P90,
    P95,
    P99,
    P999,
    Max,
    Mean,
    ErrorRate,
    ErrorCount,
    Throughput,
}

/// <summary>How a threshold compares the measured value with its limit.</summary>
public enum ThresholdComparison
{
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

/// <summary>
/// One pass/fail rule such as <c>p99&lt;10ms</c>, <c>errors&lt;0.1%</c>, <c>errors&lt;1</c> (a count) or <c>throughput&gt;=5000</c>.
/// Latency limits are held in milliseconds, error rates in percent, throughput in completed requests per second. A latency rule
/// may name one endpoint of a mixed scenario: <c>directory.p95&lt;20ms</c>.
/// </summary>
public sealed partial record Threshold(string Expression, ThresholdMetric Metric, ThresholdComparison Comparison, double Limit)
{
    /// <summary>acme_issuance's name for its throughput, certificates downloaded per second: <c>certs_per_s&gt;=100</c>.</summary>
    public const string CertsPerSecond = "certs_per_s";

    /// <summary>The endpoint a latency rule is about (see <see cref="Scenarios.IScenario.EndpointOf"/>); null: every request.</summary>
    public string? Endpoint { get; init; }

    /// <summary>Unit in which <see cref="Limit"/> and the measured value are expressed.</summary>
    public string Unit => Metric switch
    {
        ThresholdMetric.ErrorRate => "%",
        ThresholdMetric.ErrorCount => "errors",
        ThresholdMetric.Throughput => Expression.TrimStart().StartsWith(CertsPerSecond, StringComparison.OrdinalIgnoreCase) ? "certs/s" : "req/s",
        _ => "ms",
    };

    /// <summary>A threshold on error rate and one on error count are the same rule for overriding purposes.</summary>
    public string Key => Metric is ThresholdMetric.ErrorRate or ThresholdMetric.ErrorCount
        ? "errors"
        : (Endpoint is null ? "" : Endpoint + ".") + Metric.ToString().ToLowerInvariant();

    /// <summary>Parses an expression; throws <see cref="FormatException"/> with a readable reason when it is malformed.</summary>
    public static Threshold Parse(string expression)
    {
        var match = ExpressionPattern().Match(expression.Trim());
        if (!match.Success)
        {
            throw new FormatException($"'{expression}' is not a threshold (expected e.g. p99<10ms, errors<0.1%, throughput>=5000).");
        }

        var metricName = match.Groups["metric"].Value.ToLowerInvariant();
        string? endpoint = null;
        var dot = metricName.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0 && LatencyMetric(metricName[(dot + 1)..]) is not null)
        {
            endpoint = metricName[..dot];
            metricName = metricName[(dot + 1)..];
        }

        var unit = match.Groups["unit"].Value.ToLowerInvariant();
        var number = double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
        var comparison = match.Groups["op"].Value switch
        {
            "<" => ThresholdComparison.Less,
            "<=" => ThresholdComparison.LessOrEqual,
            ">" => ThresholdComparison.Greater,
            _ => ThresholdComparison.GreaterOrEqual,
        };

        if (LatencyMetric(metricName) is { } latency)
        {
            double? toMs = unit switch
            {
                "" or "ms" => 1,
                "us" or "µs" => 0.001,
                "s" => 1000,
                _ => null,
            };
            return toMs is { } factor
                ? new Threshold(expression, latency, comparison, number * factor) { Endpoint = endpoint }
                : throw new FormatException($"'{expression}': a latency limit takes ms, us or s, not '{unit}'.");
        }

        if (endpoint is not null)
        {
            throw new FormatException($"'{expression}': only latency rules (p50 … max, mean) can name an endpoint.");
        }

        return metricName switch
        {
            "errors" when unit == "%" => new Threshold(expression, ThresholdMetric.ErrorRate, comparison, number),
            "errors" when unit == "" => new Threshold(expression, ThresholdMetric.ErrorCount, comparison, number),
            "throughput" or "rps" or CertsPerSecond when unit is "" or "/s" => new Threshold(expression, ThresholdMetric.Throughput, comparison, number),
            "errors" or "throughput" or "rps" or CertsPerSecond => throw new FormatException($"'{expression}': unit '{unit}' does not fit {metricName}."),
            _ => throw new FormatException($"'{expression}': unknown metric '{metricName}' (p50, p90, p95, p99, p999, max, mean, errors, throughput, certs_per_s)."),
        };
    }

    /// <summary>Reads this threshold's metric from a step's figures, in <see cref="Unit"/>; null when there is nothing to judge.</summary>
    public double? Measure(StepResult step)
    {
        var latency = Endpoint is null ? step.LatencyMs : step.EndpointLatencyMs.GetValueOrDefault(Endpoint, LatencySummary.Empty);
        return Metric switch
        {
            ThresholdMetric.ErrorRate => step.Errors.Rate * 100,
            ThresholdMetric.ErrorCount => step.Errors.Total,
            ThresholdMetric.Throughput => step.Throughput,
            _ when latency.Count == 0 => null,
            ThresholdMetric.P50 => latency.P50,
            ThresholdMetric.P90 => latency.P90,
            ThresholdMetric.P95 => latency.P95,
            ThresholdMetric.P99 => latency.P99,
            ThresholdMetric.P999 => latency.P999,
            ThresholdMetric.Max => latency.Max,
            _ => latency.Mean,
        };
    }

    /// <summary>Judges a step. A latency threshold with no latency samples fails: nothing answered, nothing was fast.</summary>
    public ThresholdResult Evaluate(StepResult step)
    {
        var actual = Measure(step);
        return new ThresholdResult(Expression, Key, Limit, actual, Unit, actual is { } value && Holds(value));
    }

    /// <summary>Whether <paramref name="value"/> (in <see cref="Unit"/>) satisfies the threshold.</summary>
    public bool Holds(double value) => Comparison switch
    {
        ThresholdComparison.Less => value < Limit,
        ThresholdComparison.LessOrEqual => value <= Limit,
        ThresholdComparison.Greater => value > Limit,
        _ => value >= Limit,
    };

    /// <summary>
    /// The thresholds a run uses: the scenario's defaults, each replaced by a user threshold on the same metric,
    /// plus the user's other thresholds. With <paramref name="dropDefaults"/> only the user's count.
    /// </summary>
    public static IReadOnlyList<Threshold> Merge(IEnumerable<Threshold> defaults, IReadOnlyList<Threshold> user, bool dropDefaults)
    {
        var userKeys = user.Select(t => t.Key).ToHashSet();
        IEnumerable<Threshold> kept = dropDefaults ? [] : defaults.Where(t => !userKeys.Contains(t.Key));
        return [.. kept, .. user];
    }

    private static ThresholdMetric? LatencyMetric(string name) => name switch
    {
        "p50" or "median" => ThresholdMetric.P50,
        "p90" => ThresholdMetric.P90,
        "p95" => ThresholdMetric.P95,
        "p99" => ThresholdMetric.P99,
        "p999" or "p99.9" => ThresholdMetric.P999,
        "max" => ThresholdMetric.Max,
        "mean" or "avg" => ThresholdMetric.Mean,
        _ => null,
    };

    [GeneratedRegex(@"^(?<metric>[a-zA-Z][a-zA-Z0-9._-]*)\s*(?<op><=|>=|<|>)\s*(?<value>\d+(\.\d+)?|\.\d+)\s*(?<unit>ms|us|µs|s|%|/s)?$")]
    private static partial Regex ExpressionPattern();
}

/// <summary>How one threshold fared: the measured value (null when there was nothing to measure) and the verdict.</summary>
public sealed record ThresholdResult(string Expression, string Metric, double Limit, double? Actual, string Unit, bool Passed);
