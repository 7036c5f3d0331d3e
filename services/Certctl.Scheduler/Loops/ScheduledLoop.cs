namespace Certctl.Scheduler.Loops;

/// <summary>
/// Runs one <see cref="ILoopWork"/> every <see cref="LoopSchedule.Interval"/> (±10 % jitter per wait), never two runs of it at once,
/// each run cancelled at <see cref="LoopSchedule.Timeout"/>; with <see cref="LoopSchedule.OncePerCluster"/> only the replica holding the
/// loop's advisory lock runs it. Errors are logged and counted, never stop the loop.
/// </summary>
/// <remarks>
/// The next wait starts when a run ends, so a slow run delays the next one instead of piling up behind it. A run that ignores its
/// cancellation stays in flight; ticks that find it still going are skipped (and counted) until it ends.
/// </remarks>
public sealed partial class ScheduledLoop : BackgroundService
{
    private readonly LoopSchedule _schedule;
    private readonly ILoopWork _work;
    private readonly TimeProvider _timeProvider;
    private readonly IClusterLock _clusterLock;
    private readonly LoopMetrics _metrics;
    private readonly ILogger _logger;
    private bool _woken;
    private readonly Func<double> _unitRandom;
    private readonly LoopWakeup? _wakeup;
    private Task? _inFlight;

    public ScheduledLoop(
        LoopSchedule schedule, ILoopWork work, TimeProvider timeProvider, IClusterLock clusterLock, LoopMetrics metrics, ILogger<ScheduledLoop> logger,
        Func<double>? unitRandom = null, LoopWakeup? wakeup = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(schedule.Interval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(schedule.Timeout, TimeSpan.Zero);
        _schedule = schedule;
        _work = work;
        _timeProvider = timeProvider;
        _clusterLock = clusterLock;
        _metrics = metrics;
        _logger = logger;
        _unitRandom = unitRandom ?? Random.Shared.NextDouble;
        _wakeup = wakeup;
    }

    /// <summary>Raised with each jittered wait once its timer is armed (tests advance a fake clock from here).</summary>
    public event Action<TimeSpan>? Waiting;

    public LoopSchedule Schedule => _schedule;

    /// <summary>How long past its timeout a cancelled run may take to stop before the tick gives up waiting for it: a tenth of the timeout.</summary>
    public static TimeSpan StopGrace(TimeSpan timeout) => timeout / 10;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            if (!_schedule.RunAtStart)
            {
                await WaitAsync(stoppingToken);
            }

            while (!stoppingToken.IsCancellationRequested)
            {
                await TickAsync(stoppingToken);
                await WaitAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host shutdown.
        }
    }

    /// <summary>One tick: starts a run unless the previous one is still going, and waits for it at most its timeout.</summary>
    public async Task TickAsync(CancellationToken stoppingToken)
    {
        if (_inFlight is { IsCompleted: false })
        {
            _metrics.Skip(_schedule.Name, LoopOutcome.StillRunning);
            LogStillRunning(_schedule.Name);
            return;
        }

        var run = RunOnceAsync(stoppingToken);
        _inFlight = run;
        try
        {
            await run.WaitAsync(_schedule.Timeout + StopGrace(_schedule.Timeout), _timeProvider, stoppingToken);
        }
        catch (TimeoutException)
        {
            LogIgnoredTimeout(_schedule.Name, _schedule.Timeout);
        }
    }

    private async Task RunOnceAsync(CancellationToken stoppingToken)
    {
        // Off the caller's stack, so a work item that blocks synchronously cannot hold up the timeout above.
        await Task.Yield();
        using var timeout = new CancellationTokenSource(_schedule.Timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timeout.Token);
        var started = _timeProvider.GetTimestamp();
        using var activity = LoopOutcome.StartActivity(_schedule.Name);
        try
        {
            await using var held = _schedule.OncePerCluster ? await _clusterLock.TryAcquireAsync(_schedule.Name, linked.Token) : null;
            if (_schedule.OncePerCluster && held is null)
            {
                _metrics.Skip(_schedule.Name, LoopOutcome.HeldElsewhere);
                LogHeldElsewhere(_schedule.Name);
                return;
            }

            _metrics.Run(_schedule.Name);
            var changed = await _work.RunAsync(linked.Token);
            var elapsed = LoopOutcome.Since(started, _timeProvider);
            _metrics.Duration(_schedule.Name, elapsed, LoopOutcome.Succeeded);
            // A run woken by events (the dispatcher under a drain runs many times a second) or one that changed nothing is routine:
            // Debug. Metrics count every run either way.
            if (changed > 0 && !_woken)
            {
                LogFinished(_schedule.Name, changed, elapsed.TotalMilliseconds);
            }
            else
            {
                LogFinishedRoutine(_schedule.Name, changed, elapsed.TotalMilliseconds);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host shutdown: not a failure.
        }
        catch (Exception exception)
        {
            var outcome = timeout.IsCancellationRequested ? LoopOutcome.TimedOut : LoopOutcome.Failed;
            var elapsed = LoopOutcome.Since(started, _timeProvider);
            _metrics.Failure(_schedule.Name, outcome);
            _metrics.Duration(_schedule.Name, elapsed, outcome);
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, outcome);
            LogFailed(exception, _schedule.Name, outcome, elapsed.TotalMilliseconds);
        }
    }

    private async Task WaitAsync(CancellationToken stoppingToken)
    {
        var delay = Jitter.Apply(_schedule.Interval, _unitRandom());
        var wait = Task.Delay(delay, _timeProvider, stoppingToken);
        Waiting?.Invoke(delay);
        _woken = false;
        if (_wakeup is null)
        {
            await wait;
            return;
        }

        // Woken early (a slot freed, jobs queued): run now; the timer is left to lapse.
        var woken = _wakeup.NextAsync();
        _woken = await Task.WhenAny(wait, woken) == woken;
        stoppingToken.ThrowIfCancellationRequested();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduler loop {Loop} finished: {Changed} rows changed in {ElapsedMs:F1} ms")]
    private partial void LogFinished(string loop, int changed, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Scheduler loop {Loop} finished: {Changed} rows changed in {ElapsedMs:F1} ms")]
    private partial void LogFinishedRoutine(string loop, int changed, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Scheduler loop {Loop} run {Outcome} after {ElapsedMs:F1} ms")]
    private partial void LogFailed(Exception exception, string loop, string outcome, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scheduler loop {Loop} is still running, skipping this tick")]
    private partial void LogStillRunning(string loop);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scheduler loop {Loop} did not stop at its {Timeout} timeout; later ticks are skipped until it ends")]
    private partial void LogIgnoredTimeout(string loop, TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Scheduler loop {Loop} is held by another replica, skipping this tick")]
    private partial void LogHeldElsewhere(string loop);
}
