using Certctl.Scheduler.Loops;

namespace Certctl.Scheduler.Tests.Loops;

public sealed class ScheduledLoopTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static LoopSchedule Schedule(bool runAtStart = true) => new("test-loop", Interval, Timeout, runAtStart, OncePerCluster: false);

    [Fact]
    public async Task Runs_at_start_then_after_each_jittered_interval()
    {
        await using var harness = new LoopHarness(Schedule(), _ => Task.FromResult(0), unitRandom: 1);
        await harness.StartAsync();

        Assert.Equal(Interval * 1.1, await harness.NextWaitAsync());
        Assert.Equal(1, harness.Work.Runs);

        harness.Clock.Advance(Interval * 1.09);
        await Task.Delay(50);
        Assert.Equal(1, harness.Work.Runs);

        harness.Clock.Advance(Interval * 0.01);
        Assert.Equal(Interval * 1.1, await harness.NextWaitAsync());
        Assert.Equal(2, harness.Work.Runs);
    }

    [Theory]
    [InlineData(0d)]
    [InlineData(0.25d)]
    [InlineData(1d)]
    public async Task Each_wait_is_within_ten_percent_of_the_interval(double unitRandom)
    {
        await using var harness = new LoopHarness(Schedule(runAtStart: false), _ => Task.FromResult(0), unitRandom);
        await harness.StartAsync();

        var wait = await harness.NextWaitAsync();

        Assert.InRange(wait, Interval * 0.9, Interval * 1.1);
        Assert.Equal(Jitter.Apply(Interval, unitRandom), wait);
        Assert.Equal(0, harness.Work.Runs);
    }

    [Fact]
    public async Task A_run_is_cancelled_at_its_timeout_and_the_loop_goes_on()
    {
        await using var harness = new LoopHarness(Schedule(), async token =>
        {
            await Task.Delay(System.Threading.Timeout.InfiniteTimeSpan, token);
            return 0;
        });
        await harness.StartAsync();
        var token = await harness.Work.Started.Reader.ReadAsync().AsTask().WaitAsync(Patience);

        harness.Clock.Advance(Timeout - TimeSpan.FromSeconds(1));
        Assert.False(token.IsCancellationRequested);
        harness.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(token.IsCancellationRequested);

        await harness.NextWaitAsync();
        harness.Clock.Advance(Interval);
        await harness.Work.Started.Reader.ReadAsync().AsTask().WaitAsync(Patience);
        Assert.Equal(2, harness.Work.Runs);
    }

    [Fact]
    public async Task A_run_that_ignores_its_timeout_never_overlaps_the_next()
    {
        var release = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var harness = new LoopHarness(Schedule(), _ => release.Task);
        await harness.StartAsync();
        await harness.Work.Started.Reader.ReadAsync().AsTask().WaitAsync(Patience);

        // Past the timeout and its grace, then three more ticks while the first run still hangs: each is skipped.
        await harness.AdvanceUntilNextWaitAsync(Timeout + ScheduledLoop.StopGrace(Timeout));
        harness.Clock.Advance(Interval);
        for (var tick = 1; tick < 3; tick++)
        {
            await harness.NextWaitAsync();
            harness.Clock.Advance(Interval);
        }

        await harness.NextWaitAsync();
        Assert.Equal(1, harness.Work.Runs);

        // Once released, the first run ends; the next tick that finds it ended (not necessarily the very next one) starts the second.
        release.SetResult(0);
        harness.Clock.Advance(Interval);
        while (!harness.Work.Started.Reader.TryRead(out _))
        {
            await harness.NextWaitAsync();
            harness.Clock.Advance(Interval);
        }

        Assert.Equal(2, harness.Work.Runs);
        Assert.Equal(1, harness.Work.MaxConcurrent);
    }

    [Fact]
    public async Task A_failing_run_does_not_stop_the_loop()
    {
        await using var harness = new LoopHarness(Schedule(), _ => throw new InvalidOperationException("boom"));
        await harness.StartAsync();

        await harness.NextWaitAsync();
        harness.Clock.Advance(Interval);
        await harness.NextWaitAsync();

        Assert.Equal(2, harness.Work.Runs);
    }

    [Fact]
    public async Task A_loop_held_by_another_replica_skips_the_tick()
    {
        await using var harness = new LoopHarness(
            Schedule() with { OncePerCluster = true }, _ => Task.FromResult(0), clusterLock: new HeldElsewhere());
        await harness.StartAsync();

        await harness.NextWaitAsync();

        Assert.Equal(0, harness.Work.Runs);
    }

    private sealed class HeldElsewhere : IClusterLock
    {
        public Task<IAsyncDisposable?> TryAcquireAsync(string loopName, CancellationToken cancellationToken) => Task.FromResult<IAsyncDisposable?>(null);
    }
}
