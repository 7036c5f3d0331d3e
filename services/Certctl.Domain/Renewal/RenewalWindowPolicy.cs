namespace Certctl.Domain;

/// <summary>How early a policy renews: a number of days before expiry, or a fraction of the lifetime when set.</summary>
public sealed record RenewalWindowPolicy
{
    /// <summary>The policy default: renew 30 days before expiry.</summary>
    public static RenewalWindowPolicy Default { get; } = new(30);

    /// <param name="renewalWindowDays">Days before NotAfter at which the window opens; also the fallback when the lifetime is unknown.</param>
    /// <param name="lifetimeFraction">When set, the window opens this fraction of the lifetime before NotAfter (1/3 renews in the last third).</param>
    public RenewalWindowPolicy(int renewalWindowDays, double? lifetimeFraction = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(renewalWindowDays);
        if (lifetimeFraction is { } fraction && !(fraction > 0 && fraction <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(lifetimeFraction), fraction, "A lifetime fraction lies in (0, 1].");
        }

        RenewalWindowDays = renewalWindowDays;
        LifetimeFraction = lifetimeFraction;
    }

    public int RenewalWindowDays { get; }

    public double? LifetimeFraction { get; }
}
