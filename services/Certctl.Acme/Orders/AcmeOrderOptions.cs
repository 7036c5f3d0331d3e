using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace Certctl.Acme.Orders;

/// <summary>Order, authorization and issuance settings of the ACME server, bound from their <c>CERTCTL_ACME_SERVER_*</c> names and validated on start.</summary>
public sealed class AcmeOrderOptions
{
    /// <summary>How long a new order may take to reach <c>valid</c> before the clean-up loop invalidates it.</summary>
    [ConfigurationKeyName("CERTCTL_ACME_SERVER_ORDER_TTL_SECONDS")]
    [Range(60, 30 * 86_400)]
    public int OrderTtlSeconds { get; set; } = 86_400;

    /// <summary>How long an authorization (and, once valid, the proof it holds) lasts.</summary>
    [ConfigurationKeyName("CERTCTL_ACME_SERVER_AUTHZ_TTL_SECONDS")]
    [Range(60, 30 * 86_400)]
    public int AuthorizationTtlSeconds { get; set; } = 86_400;

    /// <summary>
    /// A challenge-mode order for an identifier the account already holds a valid, unexpired, challenge-proven authorization for reuses
    /// it (RFC 8555 §7.1.3), so the order can be ready without new challenges.
    /// </summary>
    [ConfigurationKeyName("CERTCTL_ACME_SERVER_AUTHZ_REUSE_ENABLED")]
    public bool AuthorizationReuseEnabled { get; set; } = true;

    /// <summary>Oldest validation an authorization may carry to be reused; its own expiry caps it in any case.</summary>
    [ConfigurationKeyName("CERTCTL_ACME_SERVER_AUTHZ_REUSE_MAX_AGE_SECONDS")]
    [Range(60, 90 * 86_400)]
    public int AuthorizationReuseMaxAgeSeconds { get; set; } = 30 * 86_400;

    /// <summary>
    /// The issuer that signs ACME certificates. Explicit, because the original picked an arbitrary entry of its issuer registry (its
    /// GAP-12); the default is the local CA.
    /// </summary>
    [ConfigurationKeyName("CERTCTL_ACME_SERVER_ISSUER_ID")]
    [Required]
    [MinLength(1)]
    public string IssuerId { get; set; } = "iss-local";

    /// <summary>The <c>Retry-After</c> (seconds) on an order that is <c>processing</c> or a challenge being validated.</summary>
    [ConfigurationKeyName("CERTCTL_ACME_SERVER_RETRY_AFTER_SECONDS")]
    [Range(1, 3600)]
    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>
    /// The <c>Retry-After</c> (seconds) on a processing order whose issuance waits for an operator's approval: people decide in minutes or
    /// days, so clients need not poll every second.
    /// </summary>
    [ConfigurationKeyName("CERTCTL_ACME_SERVER_APPROVAL_RETRY_AFTER_SECONDS")]
    [Range(1, 86_400)]
    public int ApprovalRetryAfterSeconds { get; set; } = 60;

    /// <summary>
    /// How long a finalize request waits for the certificate it starts before it answers: an order issued within it is answered
    /// <c>valid</c> with its certificate URL (no polling), one still processing after it <c>processing</c> with <c>Retry-After</c>.
    /// 0 answers <c>processing</c> at once.
    /// </summary>
    [ConfigurationKeyName("CERTCTL_ACME_SERVER_FINALIZE_WAIT_MS")]
    [Range(0, 30_000)]
    public int FinalizeWaitMilliseconds { get; set; } = 2_000;

    /// <summary>How long the issuance job of a finalized order may stay Running before the scheduler's lease sweeper sends it again.</summary>
    [ConfigurationKeyName("CERTCTL_ACME_SERVER_ISSUANCE_LEASE_SECONDS")]
    [Range(10, 86_400)]
    public int IssuanceLeaseSeconds { get; set; } = 300;

    /// <summary>Most challenge validations running at once in this replica (each is network I/O bounded by the validator's timeouts).</summary>
    [ConfigurationKeyName("CERTCTL_ACME_SERVER_VALIDATION_CONCURRENCY")]
    [Range(1, 1000)]
    public int ValidationConcurrency { get; set; } = 20;

    /// <summary>Most identifiers in one order.</summary>
    [ConfigurationKeyName("CERTCTL_ACME_SERVER_MAX_IDENTIFIERS")]
    [Range(1, 100)]
    public int MaxIdentifiers { get; set; } = 100;

    public TimeSpan OrderTtl => TimeSpan.FromSeconds(OrderTtlSeconds);

    public TimeSpan AuthorizationTtl => TimeSpan.FromSeconds(AuthorizationTtlSeconds);

    public TimeSpan AuthorizationReuseMaxAge => TimeSpan.FromSeconds(AuthorizationReuseMaxAgeSeconds);

    public TimeSpan RetryAfter => TimeSpan.FromSeconds(RetryAfterSeconds);

    public TimeSpan ApprovalRetryAfter => TimeSpan.FromSeconds(ApprovalRetryAfterSeconds);

    public TimeSpan FinalizeWait => TimeSpan.FromMilliseconds(FinalizeWaitMilliseconds);

    public TimeSpan IssuanceLease => TimeSpan.FromSeconds(IssuanceLeaseSeconds);
}
