using System.Globalization;
using System.Text;

namespace Certctl.LoadTest;

/// <summary>Parses and prints durations the way the command line spells them: 500ms, 30s, 2m, 1m30s, 1h.</summary>
public static class DurationText
{
    /// <summary>Parses a duration; a bare number means seconds. Throws <see cref="FormatException"/> when malformed.</summary>
    public static TimeSpan Parse(string text)
    {
        if (TryParse(text, out var value))
        {
            return value;
        }

        throw new FormatException($"'{text}' is not a duration (expected e.g. 500ms, 30s, 2m, 1m30s, 1h).");
    }

    /// <summary>Parses a duration without throwing; negative or empty text is rejected.</summary>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.Trim();
        if (double.TryParse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var bareSeconds))
        {
            value = TimeSpan.FromSeconds(bareSeconds);
            return true;
        }

        double totalMs = 0;
        var i = 0;
        while (i < s.Length)
        {
            var numberStart = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }

            if (i == numberStart || !double.TryParse(s.AsSpan(numberStart, i - numberStart), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            var unitStart = i;
            while (i < s.Length && char.IsAsciiLetter(s[i]))
            {
                i++;
            }

            double? unitMs = s[unitStart..i] switch
            {
                "ms" => 1,
                "s" => 1_000,
                "m" => 60_000,
                "h" => 3_600_000,
                _ => null,
            };
            if (unitMs is null)
            {
                return false;
            }

            totalMs += number * unitMs.Value;
        }

        value = TimeSpan.FromMilliseconds(totalMs);
        return true;
    }

    /// <summary>Prints a duration compactly: 30s, 2m, 1m30s, 1h5m, 250ms, 1.5s.</summary>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        if (value < TimeSpan.FromSeconds(1))
        {
            return string.Create(CultureInfo.InvariantCulture, $"{value.TotalMilliseconds:0.###}ms");
        }

        if (value.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{value.TotalSeconds:0.###}s");
        }

        var text = new StringBuilder();
        var hours = (long)value.TotalHours;
        if (hours > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{hours}h");
        }

        if (value.Minutes > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{value.Minutes}m");
        }

        if (value.Seconds > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{value.Seconds}s");
        }

        return text.ToString();
    }
}
