using Certctl.Agent.Hosting;

namespace Certctl.Agent.Tests.Hosting;

public sealed class FailureBackoffTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 30)]
    [InlineData(2, 60)]
    [InlineData(9, 270)]
    [InlineData(10, 300)]
    [InlineData(11, 300)]
    [InlineData(1000, 300)]
    public void The_wait_is_failures_times_30_seconds_capped_at_5_minutes(int failures, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), FailureBackoff.For(failures));
}
