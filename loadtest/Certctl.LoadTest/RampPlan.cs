using System.Globalization;

namespace Certctl.LoadTest;

/// <summary>
/// Ceiling hunting: rates from <see cref="Start"/> to <see cref="End"/> by <see cref="Step"/>, one constant-rate step each.
/// A step holds when p99 is under the limit and nothing failed; the ceiling is the last step that held before the first that did not.
/// </summary>
public sealed record RampPlan(double Start, double End, double Step)
{
    /// <summary>Most steps a ramp may have, so a typo cannot book the machine for a day.</summary>
    public const int MaxSteps = 200;

    /// <summary>The p99 limit used when no p99 threshold is given.</summary>
    public const double DefaultP99LimitMs = 10;

    /// <summary>Parses <c>start:end:step</c>, e.g. <c>1000:20000:1000</c>; throws <see cref="FormatException"/> when malformed.</summary>
    public static RampPlan Parse(string text)
    {
        var parts = text.Split(':');
        if (parts.Length != 3)
        {
            throw new FormatException($"'{text}' is not a ramp (expected start:end:step, e.g. 1000:20000:1000).");
        }

        var numbers = new double[3];
        for (var i = 0; i < 3; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out numbers[i]) || !(numbers[i] > 0))
            {
                throw new FormatException($"'{text}': '{parts[i]}' is not a positive number.");
            }
        }

        var plan = new RampPlan(numbers[0], numbers[1], numbers[2]);
        if (plan.End < plan.Start)
        {
            throw new FormatException($"'{text}': the end rate is below the start rate.");
        }

        if (plan.Rates().Count > MaxSteps)
        {
            throw new FormatException($"'{text}' has more than {MaxSteps} steps; use a larger step.");
        }

        return plan;
    }

    /// <summary>Every rate of the ramp, in order; the end rate is included when the steps land on it.</summary>
    public IReadOnlyList<double> Rates()
    {
        var count = (long)Math.Floor(((End - Start) / Step) + 1e-9) + 1;
        return [.. Enumerable.Range(0, (int)Math.Min(count, MaxSteps + 1)).Select(i => Start + (i * Step))];
    }

    /// <summary>Whether a step holds: some latency measured, p99 under <paramref name="p99LimitMs"/>, zero errors.</summary>
    public static bool Holds(StepResult step, double p99LimitMs) =>
        step.LatencyMs.Count > 0 && step.LatencyMs.P99 < p99LimitMs && step.Errors.Total == 0;

    /// <summary>The p99 limit of a ramp: the value of a p99 threshold if one is set, else 10 ms.</summary>
    public static double P99Limit(IEnumerable<Threshold> thresholds) =>
        thresholds.FirstOrDefault(t => t.Metric == ThresholdMetric.P99 && t.Endpoint is null)?.Limit ?? DefaultP99LimitMs;

    /// <summary>The last step that held before the first one that did not; null when the first step already failed.</summary>
    public static StepResult? Ceiling(IEnumerable<StepResult> steps)
    {
        StepResult? ceiling = null;
        foreach (var step in steps)
        {
            if (step.HoldsCeiling != true)
            {
                break;
            }

            ceiling = step;
        }

        return ceiling;
    }
}
