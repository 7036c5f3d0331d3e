namespace Certctl.Domain;

/// <summary>The budget for telling an issuer about one revocation (<c>certificate_revocations.notify_attempts</c>).</summary>
public static class IssuerNotification
{
    /// <summary>Deliveries the connector handles before the sweep stops re-sending; a permanent refusal spends the whole budget at once.</summary>
    public const int MaxAttempts = 10;

    /// <summary>How old an unnotified row must be before the sweep re-sends it: the gateway's own send has had its chance.</summary>
    public static readonly TimeSpan SweepAfter = TimeSpan.FromMinutes(1);
}
