namespace Certctl.Agent.Hosting;

/// <summary>The wait added before the next call after consecutive failures: <c>min(failures × 30 s, 5 min)</c> (reference §5.4).</summary>
public static class FailureBackoff
{
    /// <summary>The step each consecutive failure adds.</summary>
    public static readonly TimeSpan Step = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait.</summary>
    public static readonly TimeSpan Cap = TimeSpan.FromMinutes(5);

    /// <summary>The wait after <paramref name="failures"/> consecutive failures; zero when the last call succeeded.</summary>
    public static TimeSpan For(int failures) =>
        failures <= 0 ? TimeSpan.Zero : failures >= Cap / Step ? Cap : Step * failures;
}
