using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace Certctl.Acme.RateLimiting;

/// <summary>The ACME server's GCRA limits, bound from their <c>CERTCTL_ACME_SERVER_RATE_LIMIT_*</c> names and validated on start.</summary>
/// <remarks>A limit allows <c>burst</c> requests at once and then one every hour / <c>per_hour</c>; a rate of 0 turns that limit off.</remarks>
public sealed class AcmeRateLimitOptions
{
    /// <summary>False turns every ACME rate limit off (no database access for limits at all).</summary>
    [ConfigurationKeyName("CERTCTL_ACME_SERVER_RATE_LIMIT_ENABLED")]
    public bool Enabled { get; set; } = true;

    /// <summary>New orders per account per hour (the original's default).</summary>
    [ConfigurationKeyName("CERTCTL_ACME_SERVER_RATE_LIMIT_ORDERS_PER_HOUR")]
    [Range(0, 1_000_000)]
    public int OrdersPerHour { get; set; } = 100;

    /// <summary>New orders an idle account may place at once (the original's bucket started full at its hourly rate).</summary>
    [ConfigurationKeyName("CERTCTL_ACME_SERVER_RATE_LIMIT_ORDERS_BURST")]
    [Range(1, 1_000_000)]
    public int OrdersBurst { get; set; } = 100;

    /// <summary>New accounts per client IP address per hour.</summary>
    [ConfigurationKeyName("CERTCTL_ACME_SERVER_RATE_LIMIT_NEW_ACCOUNTS_PER_HOUR")]
    [Range(0, 1_000_000)]
    public int NewAccountsPerHour { get; set; } = 50;

    /// <summary>New accounts one IP address may create at once.</summary>
    [ConfigurationKeyName("CERTCTL_ACME_SERVER_RATE_LIMIT_NEW_ACCOUNTS_BURST")]
    [Range(1, 1_000_000)]
    public int NewAccountsBurst { get; set; } = 20;

    /// <summary>Failed validations per account and identifier per hour (Let's Encrypt's figure).</summary>
    [ConfigurationKeyName("CERTCTL_ACME_SERVER_RATE_LIMIT_FAILED_VALIDATIONS_PER_HOUR")]
    [Range(0, 1_000_000)]
    public int FailedValidationsPerHour { get; set; } = 5;

    /// <summary>Failed validations of one identifier one account may have at once.</summary>
    [ConfigurationKeyName("CERTCTL_ACME_SERVER_RATE_LIMIT_FAILED_VALIDATIONS_BURST")]
    [Range(1, 1_000_000)]
    public int FailedValidationsBurst { get; set; } = 5;

    /// <summary>The rate and burst of <paramref name="limit"/>; null when that limit (or every limit) is off.</summary>
    public GcraPolicy? PolicyFor(AcmeRateLimit limit)
    {
        if (!Enabled)
        {
            return null;
        }

        var (perHour, burst) = limit switch
        {
            AcmeRateLimit.NewOrdersPerAccount => (OrdersPerHour, OrdersBurst),
            AcmeRateLimit.NewAccountsPerIp => (NewAccountsPerHour, NewAccountsBurst),
            AcmeRateLimit.FailedValidationsPerAccountIdentifier => (FailedValidationsPerHour, FailedValidationsBurst),
            _ => throw new ArgumentOutOfRangeException(nameof(limit), limit, "Unknown ACME rate limit."),
        };
        return perHour > 0 ? GcraPolicy.PerHour(perHour, burst) : null;
    }
}
