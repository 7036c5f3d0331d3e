namespace Certctl.Scheduler.Notifications;

/// <summary>When a failed notification is tried again, and when it is given up.</summary>
public static class NotificationRetryPolicy
{
    /// <summary>Sends tried before a row goes <c>dead</c>: the first and four retries.</summary>
    public const int MaxTries = 5;

    /// <summary>The wait after the first failure; it doubles after each further one.</summary>
    public static readonly TimeSpan BackoffBase = TimeSpan.FromMinutes(1);

    /// <summary>The longest wait between tries.</summary>
    public static readonly TimeSpan BackoffMax = TimeSpan.FromHours(1);

    /// <summary>
    /// How long a claimed row stays invisible to other claims while it is being sent; longer than a delivery run's timeout, so a row is
    /// claimed again only when the replica that claimed it died or gave up before recording the result.
    /// </summary>
    public static readonly TimeSpan ClaimLease = TimeSpan.FromMinutes(5);

    /// <summary>The wait after the <paramref name="failures"/>-th failed try: 1, 2, 4, 8 minutes … capped at an hour.</summary>
    public static TimeSpan BackoffAfter(int failures)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failures, 1);
        var wait = BackoffBase * Math.Pow(2, Math.Min(failures - 1, 30));
        return wait < BackoffMax ? wait : BackoffMax;
    }
}
