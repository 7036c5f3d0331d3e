using System.Diagnostics;

namespace Certctl.ServiceDefaults.Tracing;

/// <summary>
/// GCRA over one 64-bit timestamp: at most <c>perSecond</c> admissions a second on average, with bursts of up to <c>burst</c>
/// (by default one second's worth). Lock-free and allocation-free, because it sits on every new root span.
/// </summary>
public sealed class TraceRateLimiter
{
    private readonly long _interval;   // stopwatch ticks between admissions
    private readonly long _tolerance;  // how far ahead of now the theoretical arrival time may run (the burst)
    private readonly Func<long> _now;
    private long _theoreticalArrival;

    public TraceRateLimiter(double perSecond, Func<long>? now = null, int? burst = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perSecond);
        var admittedAtOnce = burst ?? (int)Math.Min(int.MaxValue, Math.Ceiling(perSecond));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(admittedAtOnce, nameof(burst));
        _interval = Math.Max(1, (long)(Stopwatch.Frequency / perSecond));
        _tolerance = (long)(Stopwatch.Frequency * (admittedAtOnce - 1.0) / perSecond);
        _now = now ?? Stopwatch.GetTimestamp;
        _theoreticalArrival = _now();
    }

    /// <summary>Admits one more if the rate allows it now.</summary>
    public bool TryAdmit()
    {
        var now = _now();
        while (true)
        {
            var arrival = Volatile.Read(ref _theoreticalArrival);
            var start = Math.Max(arrival, now);
            if (start - now > _tolerance)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _theoreticalArrival, start + _interval, arrival) == arrival)
            {
                return true;
            }
        }
    }
}
