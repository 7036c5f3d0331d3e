namespace Certctl.LoadTest;

/// <summary>
/// The open-model timetable of one run: request i is due at i / rate seconds after the start, whatever
/// happened to the requests before it. Warm-up requests come first and are not measured.
/// Offsets are in timestamp ticks of the clock that drives the run (see <see cref="TimeProvider.TimestampFrequency"/>).
/// </summary>
public sealed class ArrivalSchedule
{
    private readonly double ticksPerRequest;

    public ArrivalSchedule(double ratePerSecond, TimeSpan warmup, TimeSpan duration, long ticksPerSecond)
    {
        if (!(ratePerSecond > 0) || double.IsInfinity(ratePerSecond))
        {
            throw new ArgumentOutOfRangeException(nameof(ratePerSecond), ratePerSecond, "The rate must be a positive number.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(warmup, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ticksPerSecond, 0);

        RatePerSecond = ratePerSecond;
        TicksPerSecond = ticksPerSecond;
        ticksPerRequest = ticksPerSecond / ratePerSecond;
        WarmupRequests = CountBefore(warmup.TotalSeconds);
        TotalRequests = CountBefore(warmup.TotalSeconds + duration.TotalSeconds);
        WarmupTicks = (long)Math.Round(warmup.TotalSeconds * ticksPerSecond);
        TotalTicks = (long)Math.Round((warmup + duration).TotalSeconds * ticksPerSecond);
    }

    public double RatePerSecond { get; }

    public long TicksPerSecond { get; }

    /// <summary>Requests due during the warm-up (indices 0 .. WarmupRequests-1).</summary>
    public long WarmupRequests { get; }

    /// <summary>Every request of the run, warm-up included.</summary>
    public long TotalRequests { get; }

    /// <summary>Requests whose results count.</summary>
    public long MeasuredRequests => TotalRequests - WarmupRequests;

    /// <summary>Length of the warm-up in ticks; the measured window starts here.</summary>
    public long WarmupTicks { get; }

    /// <summary>Length of the whole timetable (warm-up plus measured window) in ticks.</summary>
    public long TotalTicks { get; }

    /// <summary>When request <paramref name="index"/> is due, in ticks after the start.</summary>
    public long OffsetTicks(long index) => (long)(index * ticksPerRequest);

    /// <summary>Whether request <paramref name="index"/> belongs to the measured window.</summary>
    public bool IsMeasured(long index) => index >= WarmupRequests;

    /// <summary>How many requests are due at <paramref name="elapsedTicks"/> after the start (their offset is not later).</summary>
    public long DueCount(long elapsedTicks)
    {
        if (elapsedTicks < 0)
        {
            return 0;
        }

        var due = (long)Math.Min(TotalRequests, Math.Floor(elapsedTicks / ticksPerRequest) + 1);

        // Floating-point rounding may put the estimate one off; settle it against OffsetTicks itself.
        while (due > 0 && OffsetTicks(due - 1) > elapsedTicks)
        {
            due--;
        }

        while (due < TotalRequests && OffsetTicks(due) <= elapsedTicks)
        {
            due++;
        }

        return due;
    }

    private long CountBefore(double seconds) => (long)Math.Ceiling((seconds * RatePerSecond) - 1e-9);
}
