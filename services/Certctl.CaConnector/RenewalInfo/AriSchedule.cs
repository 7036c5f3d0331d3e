namespace Certctl.CaConnector.RenewalInfo;

/// <summary>When to ask again (RFC 9773 §4.3) and when to renew inside a window (§4.2): pure time arithmetic.</summary>
public static class AriSchedule
{
    /// <summary>A Retry-After below this is read as this (RFC 9773 §4.3's example floor).</summary>
    public static readonly TimeSpan MinRetryAfter = TimeSpan.FromMinutes(1);

    /// <summary>A Retry-After above this is read as this.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromDays(1);

    /// <summary>The next poll without a usable Retry-After, after a long-term error, and after "not supported".</summary>
    public static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromHours(6);

    /// <summary>The first wait after a temporary error (timeout, network, 5xx, 429); it doubles per consecutive failure.</summary>
    public static readonly TimeSpan FirstErrorBackoff = TimeSpan.FromMinutes(1);

    /// <summary>The CA's Retry-After clamped to [1 min, 1 day]; 6 h when it sent none.</summary>
    public static TimeSpan PollInterval(TimeSpan? retryAfter) => retryAfter switch
    {
        null => DefaultRetryAfter,
        { } value when value < MinRetryAfter => MinRetryAfter,
        { } value when value > MaxRetryAfter => MaxRetryAfter,
        { } value => value,
    };

    /// <summary>
    /// The wait after the <paramref name="failures"/>-th consecutive temporary error: 1 min doubling, capped at 6 h; never
    /// sooner than the CA's (clamped) Retry-After when it sent one.
    /// </summary>
    public static TimeSpan ErrorBackoff(int failures, TimeSpan? retryAfter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failures, 1);
        var doubled = failures > 20 ? DefaultRetryAfter : FirstErrorBackoff * Math.Pow(2, failures - 1);
        var backoff = doubled < DefaultRetryAfter ? doubled : DefaultRetryAfter;
        return retryAfter is null ? backoff : Max(backoff, PollInterval(retryAfter));
    }

    /// <summary>A uniformly random instant in [start, end); <paramref name="unitRandom"/> is a sample from [0, 1).</summary>
    /// <remarks>A window already past gives a past instant, which the renewal scan treats as "renew now" (RFC 9773 §4.2 step 3).</remarks>
    public static DateTimeOffset RenewalTime(DateTimeOffset start, DateTimeOffset end, double unitRandom)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(unitRandom, 0d);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(unitRandom, 1d);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(end, start);
        // Whole microseconds, as Postgres stores them, so the stored time stays inside the window.
        var offset = TimeSpan.FromTicks((long)((end - start).Ticks * unitRandom));
        return Microseconds(start + offset);
    }

    /// <summary>Truncates to whole microseconds (Postgres' timestamptz precision).</summary>
    public static DateTimeOffset Microseconds(DateTimeOffset value) => new(value.Ticks - (value.Ticks % 10), value.Offset);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
