using System.Collections.Concurrent;
using Certctl.LoadTest.Scenarios;

namespace Certctl.LoadTest;

/// <summary>What one constant-rate step runs: offered rate, measured window, warm-up before it, in-flight cap and client timeout.</summary>
public sealed record StepPlan(double Rate, TimeSpan Duration, TimeSpan Warmup, int MaxInFlight, TimeSpan Timeout);

/// <summary>
/// Runs one step of the open model: a dedicated thread starts request i at start + i/rate whatever the earlier requests
/// are doing, and each request's latency is measured from that intended start, so queueing in the target (or in the
/// driver) shows up in the figures instead of silently slowing the offered load. Requests due while
/// <see cref="StepPlan.MaxInFlight"/> are outstanding are dropped and counted as errors.
/// </summary>
public sealed class ConstantRateRun
{
    private readonly HttpClient client;
    private readonly IScenario scenario;
    private readonly StepPlan plan;
    private readonly TimeProvider time;
    private readonly ArrivalSchedule schedule;
    private readonly RunCounters counters = new();
    private readonly LatencyRecorder latency;
    private readonly LatencyRecorder driverLag;
    private readonly ConcurrentDictionary<string, LatencyRecorder> endpointLatency = new(StringComparer.Ordinal);
    private long startTimestamp;
    private long scheduleEndTimestamp;

    public ConstantRateRun(HttpClient client, IScenario scenario, StepPlan plan, TimeProvider time)
    {
        this.client = client;
        this.scenario = scenario;
        this.plan = plan;
        this.time = time;
        schedule = new ArrivalSchedule(plan.Rate, plan.Warmup, plan.Duration, time.TimestampFrequency);
        latency = new LatencyRecorder(time.TimestampFrequency);
        driverLag = new LatencyRecorder(time.TimestampFrequency);
    }

    /// <summary>Runs the step, waits for the requests still out (bounded by the timeout), and returns its figures (thresholds not yet applied).</summary>
    public async Task<StepResult> ExecuteAsync(TextWriter? progress, CancellationToken stop)
    {
        startTimestamp = time.GetTimestamp();
        using var progressStop = new CancellationTokenSource();
        var reporter = progress is null ? Task.CompletedTask : new ProgressReporter(progress, time).RunAsync(Sample, progressStop.Token);
        try
        {
            await DispatchOnOwnThreadAsync(stop);
            await DrainAsync();
        }
        finally
        {
            await progressStop.CancelAsync();
            await reporter;
        }

        return Result();
    }

    private Task DispatchOnOwnThreadAsync(CancellationToken stop)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                Dispatch(stop);
                done.SetResult();
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        })
        {
            IsBackground = true,
            Name = "arrival-dispatcher",
        };
        thread.Start();
        return done.Task;
    }

    private void Dispatch(CancellationToken stop)
    {
        long next = 0;
        while (next < schedule.TotalRequests && !stop.IsCancellationRequested)
        {
            var due = schedule.DueCount(time.GetTimestamp() - startTimestamp);
            for (; next < due; next++)
            {
                Launch(next);
            }

            if (next < schedule.TotalRequests)
            {
                ArrivalClock.WaitUntil(time, startTimestamp + schedule.OffsetTicks(next), stop);
            }
        }

        scheduleEndTimestamp = next < schedule.TotalRequests ? time.GetTimestamp() : startTimestamp + schedule.TotalTicks;
    }

    private void Launch(long sequence)
    {
        var measured = schedule.IsMeasured(sequence);
        if (!counters.TryStart(plan.MaxInFlight, measured))
        {
            return;
        }

        var arrival = new Arrival(this, sequence, startTimestamp + schedule.OffsetTicks(sequence), measured);

        // Started inline: building and writing a request takes microseconds, and skipping a thread-pool hop per request
        // halves the driver's CPU per request; the response is awaited on the pool, never on this thread.
        _ = SendAsync(arrival);
    }

    private async Task SendAsync(Arrival arrival)
    {
        var status = 0;
        string? error = null;
        try
        {
            if (arrival.Measured)
            {
                driverLag.RecordTicks(time.GetTimestamp() - arrival.IntendedTimestamp);
            }

            using var request = scenario.CreateRequest(arrival.Sequence);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, CancellationToken.None);
            status = (int)response.StatusCode;
            error = await scenario.CheckAsync(response, CancellationToken.None);
        }
        catch (Exception ex)
        {
            error = ErrorKinds.Classify(ex);
        }
        finally
        {
            var end = time.GetTimestamp();

            // Timeouts keep their latency (the caller did wait that long); refused connections would only flatter the figures.
            if (arrival.Measured && (status > 0 || error == ErrorKinds.Timeout))
            {
                latency.RecordTicks(end - arrival.IntendedTimestamp);
                if (scenario.EndpointOf(arrival.Sequence) is { } endpoint)
                {
                    endpointLatency.GetOrAdd(endpoint, _ => new LatencyRecorder(time.TimestampFrequency)).RecordTicks(end - arrival.IntendedTimestamp);
                }
            }

            counters.Finish(arrival.Measured, status, error, end);
        }
    }

    private async Task DrainAsync()
    {
        // The client timeout ends every request; the margin covers the time to unwind.
        var deadline = time.GetTimestamp() + (long)((plan.Timeout.TotalSeconds + 5) * time.TimestampFrequency);
        while (counters.InFlight > 0 && time.GetTimestamp() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), time);
        }
    }

    private ProgressSnapshot Sample()
    {
        var elapsed = time.GetElapsedTime(startTimestamp);
        var p99 = latency.Summarise() is { Count: > 0 } summary ? summary.P99 : (double?)null;
        return new ProgressSnapshot(
            elapsed.TotalSeconds, elapsed < plan.Warmup, plan.Rate, counters.TotalSent, counters.TotalFinished, counters.InFlight, counters.TotalErrors, p99);
    }

    private StepResult Result()
    {
        var measureStart = startTimestamp + schedule.WarmupTicks;
        var end = Math.Max(scheduleEndTimestamp, counters.LastResponseTimestamp);
        var elapsedS = Math.Max(0, end - measureStart) / (double)time.TimestampFrequency;
        var scheduled = counters.Sent + counters.Dropped;
        var byKind = counters.ErrorKindCounts();
        var errorTotal = byKind.Values.Sum();
        return new StepResult
        {
            Rate = plan.Rate,
            DurationS = plan.Duration.TotalSeconds,
            WarmupS = plan.Warmup.TotalSeconds,
            ElapsedS = Math.Round(elapsedS, 3),
            Scheduled = scheduled,
            Sent = counters.Sent,
            Completed = counters.Completed,
            Failed = counters.Failed,
            Dropped = counters.Dropped,
            WarmupSent = counters.WarmupSent,
            Throughput = elapsedS > 0 ? Math.Round(counters.Completed / elapsedS, 1) : 0,
            LatencyMs = latency.Summarise(),
            DriverLagMs = driverLag.Summarise(),
            Errors = new ErrorSummary(errorTotal, scheduled > 0 ? Math.Round((double)errorTotal / scheduled, 6) : 0, counters.ErrorStatusCodes(), byKind),
            StatusCodes = counters.StatusCodes(),
            EndpointLatencyMs = new SortedDictionary<string, LatencySummary>(
                endpointLatency.ToDictionary(pair => pair.Key, pair => pair.Value.Summarise()), StringComparer.Ordinal),
        };
    }

    private readonly record struct Arrival(ConstantRateRun Run, long Sequence, long IntendedTimestamp, bool Measured);
}
