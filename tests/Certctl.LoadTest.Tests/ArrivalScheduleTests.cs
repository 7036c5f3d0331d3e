namespace Certctl.LoadTest.Tests;

public class ArrivalScheduleTests
{
    private const long Nanoseconds = 1_000_000_000;

    [Fact]
    public void Counts_one_request_per_interval_of_the_measured_window_plus_warmup()
    {
        var schedule = new ArrivalSchedule(1000, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10), Nanoseconds);

        Assert.Equal(12_000, schedule.TotalRequests);
        Assert.Equal(2_000, schedule.WarmupRequests);
        Assert.Equal(10_000, schedule.MeasuredRequests);
        Assert.False(schedule.IsMeasured(1_999));
        Assert.True(schedule.IsMeasured(2_000));
        Assert.Equal(2 * Nanoseconds, schedule.WarmupTicks);
        Assert.Equal(12 * Nanoseconds, schedule.TotalTicks);
    }

    [Fact]
    public void Places_request_i_at_i_over_rate_regardless_of_anything_else()
    {
        var schedule = new ArrivalSchedule(4000, TimeSpan.Zero, TimeSpan.FromSeconds(1), Nanoseconds);

        Assert.Equal(0, schedule.OffsetTicks(0));
        Assert.Equal(250_000, schedule.OffsetTicks(1));
        Assert.Equal(1_000_000, schedule.OffsetTicks(4));
        Assert.Equal(999_750_000, schedule.OffsetTicks(3_999));
    }

    [Fact]
    public void Handles_fractional_rates()
    {
        var schedule = new ArrivalSchedule(0.5, TimeSpan.Zero, TimeSpan.FromSeconds(10), Nanoseconds);

        Assert.Equal(5, schedule.TotalRequests);
        Assert.Equal(2 * Nanoseconds, schedule.OffsetTicks(1));
    }

    [Fact]
    public void Due_count_includes_exactly_the_requests_whose_time_has_come()
    {
        var schedule = new ArrivalSchedule(1000, TimeSpan.Zero, TimeSpan.FromSeconds(1), Nanoseconds);

        Assert.Equal(0, schedule.DueCount(-1));
        Assert.Equal(1, schedule.DueCount(0));
        Assert.Equal(1, schedule.DueCount(999_999));
        Assert.Equal(2, schedule.DueCount(1_000_000));
        Assert.Equal(1000, schedule.DueCount(long.MaxValue / 2));
    }

    [Theory]
    [InlineData(3.0)]
    [InlineData(7.0)]
    [InlineData(1234.5)]
    [InlineData(33_333.0)]
    public void Due_count_agrees_with_offsets_at_every_instant(double rate)
    {
        var schedule = new ArrivalSchedule(rate, TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(2), Nanoseconds);
        var random = new Random(42);
        for (var trial = 0; trial < 10_000; trial++)
        {
            var elapsed = (long)(random.NextDouble() * schedule.TotalTicks * 1.1);
            var due = schedule.DueCount(elapsed);
            if (due > 0)
            {
                Assert.True(schedule.OffsetTicks(due - 1) <= elapsed);
            }

            if (due < schedule.TotalRequests)
            {
                Assert.True(schedule.OffsetTicks(due) > elapsed);
            }
        }
    }

    [Fact]
    public void Refuses_nonsense()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ArrivalSchedule(0, TimeSpan.Zero, TimeSpan.FromSeconds(1), Nanoseconds));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ArrivalSchedule(double.NaN, TimeSpan.Zero, TimeSpan.FromSeconds(1), Nanoseconds));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ArrivalSchedule(10, TimeSpan.Zero, TimeSpan.Zero, Nanoseconds));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ArrivalSchedule(10, TimeSpan.FromSeconds(-1), TimeSpan.FromSeconds(1), Nanoseconds));
    }
}
