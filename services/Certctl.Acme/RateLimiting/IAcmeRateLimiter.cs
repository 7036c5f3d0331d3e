namespace Certctl.Acme.RateLimiting;

/// <summary>
/// GCRA over a shared Postgres row per key (<c>acme_rate_limits</c>), so the limit holds across ACME replicas. The subject is the
/// account id, the client IP, or <c>account|identifier</c>.
/// </summary>
public interface IAcmeRateLimiter
{
    /// <summary>Spends one unit if the limit allows it; otherwise says how long until it would.</summary>
    ValueTask<RateLimitDecision> TryAcquireAsync(AcmeRateLimit limit, string subject, CancellationToken cancellationToken);

    /// <summary>
    /// Whether one unit could be spent now, spending nothing: for a budget of failures, checked before the attempt and spent
    /// (<see cref="TryAcquireAsync"/>) only once the attempt has failed.
    /// </summary>
    ValueTask<RateLimitDecision> CheckAsync(AcmeRateLimit limit, string subject, CancellationToken cancellationToken);
}
