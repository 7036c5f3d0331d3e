using System.ComponentModel.DataAnnotations;

namespace Certctl.CaConnector.Issuers.Sectigo;

/// <summary>The original's <c>CERTCTL_SECTIGO_*</c> variables: defaults for every Sectigo issuer, read only by the CA connector.</summary>
public sealed class SectigoOptions
{
    [ConfigurationKeyName("CERTCTL_SECTIGO_CUSTOMER_URI")]
    public string? CustomerUri { get; set; }

    [ConfigurationKeyName("CERTCTL_SECTIGO_LOGIN")]
    public string? Login { get; set; }

    [ConfigurationKeyName("CERTCTL_SECTIGO_PASSWORD")]
    public string? Password { get; set; }

    [ConfigurationKeyName("CERTCTL_SECTIGO_ORG_ID")]
    [Range(0, int.MaxValue)]
    public int OrgId { get; set; }

    [ConfigurationKeyName("CERTCTL_SECTIGO_CERT_TYPE")]
    [Range(0, int.MaxValue)]
    public int CertType { get; set; }

    [ConfigurationKeyName("CERTCTL_SECTIGO_TERM")]
    [Range(0, 3650)]
    public int Term { get; set; }

    [ConfigurationKeyName("CERTCTL_SECTIGO_BASE_URL")]
    public string? BaseUrl { get; set; }

    /// <summary>Poll deadline of Sectigo enrollments in seconds; 0 passes to <c>CERTCTL_ASYNC_POLL_MAX_WAIT_SECONDS</c>.</summary>
    [ConfigurationKeyName("CERTCTL_SECTIGO_POLL_MAX_WAIT_SECONDS")]
    [Range(0, 31_536_000)]
    public int PollMaxWaitSeconds { get; set; }
}
