namespace Certctl.Domain;

/// <summary>The span in which a certificate should be renewed: from OpensAt until it expires at ClosesAt.</summary>
/// <remarks>Pure time arithmetic shared by the scheduler's renewal scan and the ACME server's renewal information.</remarks>
public sealed record RenewalWindow(DateTimeOffset OpensAt, DateTimeOffset ClosesAt, RenewalWindowBasis Basis)
{
    /// <summary>Places the window; a fraction wins over days, and days are the fallback when the lifetime is unknown.</summary>
    public static RenewalWindow For(CertificateValidity validity, RenewalWindowPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(validity);
        ArgumentNullException.ThrowIfNull(policy);

        if (policy.LifetimeFraction is { } fraction && validity.Lifetime is { } lifetime)
        {
            return new RenewalWindow(validity.NotAfter - (lifetime * fraction), validity.NotAfter, RenewalWindowBasis.FractionOfLifetime);
        }

        return new RenewalWindow(
            validity.NotAfter - TimeSpan.FromDays(policy.RenewalWindowDays),
            validity.NotAfter,
            RenewalWindowBasis.DaysBeforeExpiry);
    }

    public static RenewalDecision Decide(CertificateValidity validity, RenewalWindowPolicy policy, DateTimeOffset now) =>
        For(validity, policy).DecideAt(now);

    /// <summary>Due at the very instant the window opens, not a tick later.</summary>
    public bool IsOpenAt(DateTimeOffset now) => now >= OpensAt;

    public RenewalDecision DecideAt(DateTimeOffset now) =>
        new(this, IsOpenAt(now), now >= ClosesAt, ClosesAt - now);
}
