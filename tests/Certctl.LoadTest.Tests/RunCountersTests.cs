namespace Certctl.LoadTest.Tests;

public class RunCountersTests
{
    [Fact]
    public void Requests_beyond_the_in_flight_cap_are_dropped_and_counted_as_errors()
    {
        var counters = new RunCounters();

        Assert.True(counters.TryStart(2, measured: true));
        Assert.True(counters.TryStart(2, measured: true));
        Assert.False(counters.TryStart(2, measured: true));

        Assert.Equal(2, counters.InFlight);
        Assert.Equal(2, counters.Sent);
        Assert.Equal(1, counters.Dropped);
        Assert.Equal(1, counters.ErrorKindCounts()[ErrorKinds.Dropped]);
    }

    [Fact]
    public void Finished_requests_are_split_into_responses_and_failures()
    {
        var counters = new RunCounters();
        for (var i = 0; i < 4; i++)
        {
            counters.TryStart(10, measured: true);
        }

        counters.Finish(measured: true, 200, null, timestamp: 10);
        counters.Finish(measured: true, 503, ErrorKinds.HttpStatus, timestamp: 30);
        counters.Finish(measured: true, 0, ErrorKinds.ConnectionRefused, timestamp: 50);
        counters.Finish(measured: true, 200, null, timestamp: 20);

        Assert.Equal(0, counters.InFlight);
        Assert.Equal(3, counters.Completed);
        Assert.Equal(1, counters.Failed);
        Assert.Equal(30, counters.LastResponseTimestamp);
        Assert.Equal(new Dictionary<string, long> { ["200"] = 2, ["503"] = 1 }, counters.StatusCodes());
        Assert.Equal(new Dictionary<string, long> { ["503"] = 1 }, counters.ErrorStatusCodes());
        Assert.Equal(new Dictionary<string, long> { [ErrorKinds.ConnectionRefused] = 1, [ErrorKinds.HttpStatus] = 1 }, counters.ErrorKindCounts());
    }

    [Fact]
    public void Warmup_requests_show_in_progress_totals_but_not_in_results()
    {
        var counters = new RunCounters();

        counters.TryStart(10, measured: false);
        counters.Finish(measured: false, 500, ErrorKinds.HttpStatus, timestamp: 1);

        Assert.Equal(1, counters.WarmupSent);
        Assert.Equal(1, counters.TotalSent);
        Assert.Equal(1, counters.TotalErrors);
        Assert.Equal(0, counters.Sent);
        Assert.Equal(0, counters.Completed);
        Assert.Empty(counters.StatusCodes());
        Assert.Empty(counters.ErrorKindCounts());
    }
}
