using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace Certctl.Acme.RenewalInfo;

/// <summary>The renewalInfo endpoint's own setting (RFC 9773), validated on start; <c>CERTCTL_ACME_SERVER_ARI_ENABLED</c> switches it.</summary>
public sealed class AcmeRenewalInfoOptions
{
    /// <summary>The <c>Retry-After</c> of an answer: how long a client should wait before asking about the certificate again.</summary>
    [ConfigurationKeyName("CERTCTL_ACME_SERVER_ARI_RETRY_AFTER_SECONDS")]
    [Range(60, 604_800)]
    public int RetryAfterSeconds { get; set; } = 21_600;

    public TimeSpan RetryAfter => TimeSpan.FromSeconds(RetryAfterSeconds);
}
