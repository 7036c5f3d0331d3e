using Certctl.CaConnector.Polling;

namespace Certctl.CaConnector.Tests;

/// <summary>The poll schedule: 5 s, ×3 per poll, capped at 5 minutes, ±20 % jitter.</summary>
public sealed class PollBackoffTests
{
    [Theory]
    [InlineData(0, 5)]
    [InlineData(1, 15)]
    [InlineData(2, 45)]
    [InlineData(3, 135)]
    [InlineData(4, 300)]
    [InlineData(5, 300)]
    [InlineData(1000, 300)]
    [InlineData(int.MaxValue, 300)]
    public void The_nominal_wait_triples_from_5_seconds_and_stops_at_5_minutes(int polls, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), PollBackoff.Nominal(polls));

    [Theory]
    [InlineData(0.0, 0.8)]
    [InlineData(0.5, 1.0)]
    [InlineData(0.999999, 1.2)]
    public void Jitter_scales_the_wait_between_80_and_120_percent(double unit, double factor) =>
        Assert.Equal(45 * factor, PollBackoff.Jittered(2, unit).TotalSeconds, precision: 3);

    [Fact]
    public void Every_drawn_wait_stays_inside_the_jitter_band_and_the_draws_spread_over_it()
    {
        var waits = Enumerable.Range(0, 2000).Select(_ => PollBackoff.Next(4).TotalSeconds).ToList();

        Assert.All(waits, wait => Assert.InRange(wait, 240, 360));
        Assert.True(waits.Min() < 250 && waits.Max() > 350, $"draws spanned only {waits.Min():F1}–{waits.Max():F1} s");
    }
}
