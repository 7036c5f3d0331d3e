using System.Globalization;
using System.Text.RegularExpressions;

namespace Certctl.Scheduler.Options;

/// <summary>Reads durations as the original wrote them (<c>30s</c>, <c>1h30m</c>, <c>500ms</c>), or as a .NET <c>hh:mm:ss</c> time span.</summary>
public static partial class GoDuration
{
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        if (text == "0")
        {
            return true; // Go's one unitless duration
        }

        if (text.Contains(':', StringComparison.Ordinal))
        {
            return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration);
        }

        var match = Pattern().Match(text);
        if (!match.Success)
        {
            return false;
        }

        var ticks = 0d;
        foreach (Capture part in match.Groups["part"].Captures)
        {
            var unit = Unit().Match(part.Value);
            var value = double.Parse(part.Value[..unit.Index], CultureInfo.InvariantCulture);
            ticks += value * unit.Value switch
            {
                "h" => TimeSpan.TicksPerHour,
                "m" => TimeSpan.TicksPerMinute,
                "s" => TimeSpan.TicksPerSecond,
                "ms" => TimeSpan.TicksPerMillisecond,
                "us" or "µs" => TimeSpan.TicksPerMicrosecond,
                _ => 1d / 100, // ns
            };
        }

        if (ticks > TimeSpan.MaxValue.Ticks)
        {
            return false;
        }

        duration = TimeSpan.FromTicks((long)ticks);
        return true;
    }

    [GeneratedRegex(@"^(?<part>\d+(\.\d+)?(h|ms|m|s|us|µs|ns))+$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    [GeneratedRegex(@"(h|ms|m|s|us|µs|ns)$", RegexOptions.CultureInvariant)]
    private static partial Regex Unit();
}
