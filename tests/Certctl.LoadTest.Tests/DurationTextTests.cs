namespace Certctl.LoadTest.Tests;

public class DurationTextTests
{
    [Theory]
    [InlineData("30s", 30_000)]
    [InlineData("2m", 120_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("500ms", 500)]
    [InlineData("1.5s", 1_500)]
    [InlineData("1h", 3_600_000)]
    [InlineData("45", 45_000)]
    [InlineData("0s", 0)]
    [InlineData(" 10s ", 10_000)]
    public void Parses_command_line_durations(string text, double expectedMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), DurationText.Parse(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("10x")]
    [InlineData("s")]
    [InlineData("-5s")]
    [InlineData("10 s")]
    [InlineData("1m30")]
    public void Rejects_malformed_durations(string text)
    {
        Assert.False(DurationText.TryParse(text, out _));
        Assert.Throws<FormatException>(() => DurationText.Parse(text));
    }

    [Theory]
    [InlineData(30_000, "30s")]
    [InlineData(120_000, "2m")]
    [InlineData(90_000, "1m30s")]
    [InlineData(3_900_000, "1h5m")]
    [InlineData(250, "250ms")]
    [InlineData(1_500, "1.5s")]
    [InlineData(0, "0s")]
    public void Formats_compactly_and_round_trips(double ms, string expected)
    {
        var value = TimeSpan.FromMilliseconds(ms);
        Assert.Equal(expected, DurationText.Format(value));
        Assert.Equal(value, DurationText.Parse(expected));
    }
}
