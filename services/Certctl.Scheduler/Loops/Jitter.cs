namespace Certctl.Scheduler.Loops;

/// <summary>Spreads loop ticks by ±10 % so replicas started together do not hit Postgres in lockstep.</summary>
public static class Jitter
{
    /// <summary>The largest share of the interval a wait may be shortened or lengthened by.</summary>
    public const double Spread = 0.10;

    /// <summary>The interval scaled by a factor in [0.9, 1.1]; <paramref name="unitRandom"/> is a sample from [0, 1].</summary>
    public static TimeSpan Apply(TimeSpan interval, double unitRandom)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(unitRandom, 0d);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(unitRandom, 1d);
        return interval * (1 - Spread + (2 * Spread * unitRandom));
    }
}
