using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace Certctl.Acme.RenewalInfo;

/// <summary>The renewalInfo endpoint's settings (RFC 9773), bound from <c>CERTCTL_ACME_SERVER_ARI_*</c> and validated on start.</summary>
public sealed class AcmeRenewalInfoOptions
{
    /// <summary>False answers every renewalInfo request 404 (and the directory leaves <c>renewalInfo</c> out).</summary>
    [ConfigurationKeyName("CERTCTL_ACME_SERVER_ARI_ENABLED")]
    public bool Enabled { get; set; } = true;

    /// <summary>The <c>Retry-After</c> of an answer: how long a client should wait before asking about the certificate again.</summary>
    [ConfigurationKeyName("CERTCTL_ACME_SERVER_ARI_RETRY_AFTER_SECONDS")]
    [Range(60, 604_800)]
    public int RetryAfterSeconds { get; set; } = 21_600;
}
