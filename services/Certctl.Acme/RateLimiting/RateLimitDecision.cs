namespace Certctl.Acme.RateLimiting;

/// <summary>Allowed, or refused with the wait after which one more unit would be allowed (the 429's <c>Retry-After</c>).</summary>
public readonly record struct RateLimitDecision(bool Allowed, TimeSpan RetryAfter)
{
    public static RateLimitDecision Allow { get; } = new(true, TimeSpan.Zero);

    public static RateLimitDecision Refuse(TimeSpan retryAfter) => new(false, retryAfter);
}
