using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Certctl.Scheduler.Loops;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Certctl.Scheduler.Tests.Loops;

/// <summary>A <see cref="ScheduledLoop"/> on a fake clock whose work the test controls, with its waits and runs observable.</summary>
internal sealed class LoopHarness : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Meter _meter = new("Certctl.Scheduler.Tests");

    public LoopHarness(LoopSchedule schedule, Func<CancellationToken, Task<int>> work, double unitRandom = 0.5, IClusterLock? clusterLock = null)
    {
        Work = new ControlledWork(work);
        Loop = new ScheduledLoop(schedule, Work, Clock, clusterLock ?? new NoClusterLock(), new LoopMetrics(_meter),
            NullLogger<ScheduledLoop>.Instance, () => unitRandom);
        Loop.Waiting += delay => Waits.Writer.TryWrite(delay);
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero));

    public ScheduledLoop Loop { get; }

    public ControlledWork Work { get; }

    public Channel<TimeSpan> Waits { get; } = Channel.CreateUnbounded<TimeSpan>();

    public Task StartAsync() => Loop.StartAsync(_stopping.Token);

    /// <summary>The next wait the loop armed.</summary>
    public async Task<TimeSpan> NextWaitAsync() => await Waits.Reader.ReadAsync().AsTask().WaitAsync(Patience);

    /// <summary>
    /// Advances the clock by <paramref name="step"/> until the loop arms its next wait. For a deadline the loop sets on a thread of
    /// its own: it may be armed just after the work has signalled that it started, and a single advance made before that would
    /// leave it in the fake clock's future for good.
    /// </summary>
    public async Task<TimeSpan> AdvanceUntilNextWaitAsync(TimeSpan step)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            Clock.Advance(step);
            try
            {
                // WaitToReadAsync takes nothing from the channel, so a wait that arrives after this try is not lost.
                await Waits.Reader.WaitToReadAsync().AsTask().WaitAsync(TimeSpan.FromMilliseconds(200));
                return await NextWaitAsync();
            }
            catch (TimeoutException) when (DateTime.UtcNow < deadline)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await Loop.StopAsync(CancellationToken.None);
        Loop.Dispose();
        _meter.Dispose();
        _stopping.Dispose();
    }

    private sealed class NoClusterLock : IClusterLock
    {
        public Task<IAsyncDisposable?> TryAcquireAsync(string loopName, CancellationToken cancellationToken) =>
            Task.FromResult<IAsyncDisposable?>(new Released());

        private sealed class Released : IAsyncDisposable
        {
            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}

/// <summary>Counts runs and the most that were ever in flight at once.</summary>
internal sealed class ControlledWork(Func<CancellationToken, Task<int>> work) : ILoopWork
{
    private int _running;
    private int _runs;
    private int _maxConcurrent;

    public int Runs => Volatile.Read(ref _runs);

    public int MaxConcurrent => Volatile.Read(ref _maxConcurrent);

    public Channel<CancellationToken> Started { get; } = Channel.CreateUnbounded<CancellationToken>();

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _runs);
        var running = Interlocked.Increment(ref _running);
        InterlockedMax(ref _maxConcurrent, running);
        Started.Writer.TryWrite(cancellationToken);
        try
        {
            return await work(cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
