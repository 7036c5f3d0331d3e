using Certctl.Scheduler.Loops;

namespace Certctl.Scheduler.Tests.Loops;

public sealed class JitterTests
{
    [Theory]
    [InlineData(0d, 54)]
    [InlineData(0.5d, 60)]
    [InlineData(1d, 66)]
    public void Scales_the_interval_by_at_most_ten_percent(double unitRandom, int expectedSeconds) =>
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), Jitter.Apply(TimeSpan.FromMinutes(1), unitRandom));

    [Fact]
    public void Every_random_sample_stays_inside_the_bounds()
    {
        var random = new Random(42);
        var interval = TimeSpan.FromMinutes(5);
        for (var i = 0; i < 10_000; i++)
        {
            var wait = Jitter.Apply(interval, random.NextDouble());
            Assert.InRange(wait, interval * 0.9, interval * 1.1);
        }
    }

    [Theory]
    [InlineData(-0.01d)]
    [InlineData(1.01d)]
    public void Refuses_samples_outside_zero_to_one(double unitRandom) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Jitter.Apply(TimeSpan.FromMinutes(1), unitRandom));
}
