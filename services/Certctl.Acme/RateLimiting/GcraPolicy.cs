namespace Certctl.Acme.RateLimiting;

/// <summary>
/// One GCRA limit: one unit is earned every <see cref="EmissionInterval"/>, and up to <see cref="Burst"/> units may be spent at once.
/// A request is allowed when the key's theoretical arrival time, pushed one interval further, lies at most
/// <see cref="Tolerance"/> (burst × interval) after now.
/// </summary>
public sealed record GcraPolicy(TimeSpan EmissionInterval, int Burst)
{
    /// <summary>The span a key may run ahead of now: the whole burst.</summary>
    public TimeSpan Tolerance => EmissionInterval * Burst;

    /// <summary><paramref name="perHour"/> units an hour (one every 3600 / perHour seconds), <paramref name="burst"/> at once.</summary>
    public static GcraPolicy PerHour(int perHour, int burst)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perHour);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(burst);
        return new GcraPolicy(TimeSpan.FromHours(1) / perHour, burst);
    }
}
