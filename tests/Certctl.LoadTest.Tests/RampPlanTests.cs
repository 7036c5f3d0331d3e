namespace Certctl.LoadTest.Tests;

public class RampPlanTests
{
    [Fact]
    public void Parses_start_end_step_into_every_rate()
    {
        var plan = RampPlan.Parse("1000:20000:1000");

        Assert.Equal(new RampPlan(1000, 20000, 1000), plan);
        Assert.Equal(20, plan.Rates().Count);
        Assert.Equal(1000, plan.Rates()[0]);
        Assert.Equal(20000, plan.Rates()[^1]);
    }

    [Fact]
    public void Stops_below_the_end_when_steps_do_not_land_on_it()
    {
        Assert.Equal([1000.0, 2500.0], RampPlan.Parse("1000:3000:1500").Rates());
        Assert.Equal([500.0], RampPlan.Parse("500:500:100").Rates());
    }

    [Theory]
    [InlineData("1000:20000")]
    [InlineData("1000:20000:0")]
    [InlineData("a:b:c")]
    [InlineData("2000:1000:100")]
    [InlineData("-1:10:1")]
    [InlineData("1:100000:1")]
    public void Rejects_malformed_ramps(string text)
    {
        Assert.Throws<FormatException>(() => RampPlan.Parse(text));
    }

    [Fact]
    public void A_step_holds_when_p99_is_under_the_limit_and_nothing_failed()
    {
        Assert.True(RampPlan.Holds(Steps.With(p99: 9), 10));
        Assert.False(RampPlan.Holds(Steps.With(p99: 10), 10));
        Assert.False(RampPlan.Holds(Steps.With(p99: 1, errors: 1, scheduled: 100_000), 10));
        Assert.False(RampPlan.Holds(Steps.With(samples: 0), 10));
    }

    [Fact]
    public void The_p99_limit_comes_from_the_p99_threshold_or_defaults_to_10ms()
    {
        Assert.Equal(5, RampPlan.P99Limit([Threshold.Parse("errors<1"), Threshold.Parse("p99<5ms")]));
        Assert.Equal(10, RampPlan.P99Limit([Threshold.Parse("p95<5ms")]));
    }

    [Fact]
    public void The_ceiling_is_the_last_step_that_held_before_the_first_that_did_not()
    {
        var steps = new[]
        {
            Steps.With(rate: 1000) with { HoldsCeiling = true },
            Steps.With(rate: 2000) with { HoldsCeiling = true },
            Steps.With(rate: 3000) with { HoldsCeiling = false },
            Steps.With(rate: 4000) with { HoldsCeiling = true },
        };

        Assert.Equal(2000, RampPlan.Ceiling(steps)!.Rate);
        Assert.Null(RampPlan.Ceiling([Steps.With() with { HoldsCeiling = false }]));
    }
}
