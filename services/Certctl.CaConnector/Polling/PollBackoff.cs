namespace Certctl.CaConnector.Polling;

/// <summary>The wait before the next poll of a pending order: 5 s, then ×3 per poll (15 s, 45 s, 2 min 15 s), capped at 5 minutes, ±20 % jitter.</summary>
public static class PollBackoff
{
    public static readonly TimeSpan First = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan Cap = TimeSpan.FromMinutes(5);

    public const double Factor = 3;

    public const double Jitter = 0.2;

    /// <summary>The wait after <paramref name="polls"/> polls, before jitter.</summary>
    public static TimeSpan Nominal(int polls) =>
        TimeSpan.FromSeconds(Math.Min(First.TotalSeconds * Math.Pow(Factor, Math.Clamp(polls, 0, 32)), Cap.TotalSeconds));

    /// <summary>The nominal wait scaled by a factor in [0.8, 1.2); <paramref name="unit"/> is a uniform sample in [0, 1).</summary>
    public static TimeSpan Jittered(int polls, double unit) => Nominal(polls) * (1 - Jitter + (2 * Jitter * unit));

    /// <summary>The jittered wait, with a sample from the shared random source.</summary>
    public static TimeSpan Next(int polls) => Jittered(polls, Random.Shared.NextDouble());
}
