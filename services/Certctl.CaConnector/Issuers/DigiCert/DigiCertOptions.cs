using System.ComponentModel.DataAnnotations;

namespace Certctl.CaConnector.Issuers.DigiCert;

/// <summary>
/// The original's <c>CERTCTL_DIGICERT_*</c> variables: defaults for every DigiCert issuer, used where the issuer's own
/// configuration leaves a key out. Read only by the CA connector, which alone holds vendor credentials.
/// </summary>
public sealed class DigiCertOptions
{
    [ConfigurationKeyName("CERTCTL_DIGICERT_API_KEY")]
    public string? ApiKey { get; set; }

    [ConfigurationKeyName("CERTCTL_DIGICERT_ORG_ID")]
    public string? OrgId { get; set; }

    [ConfigurationKeyName("CERTCTL_DIGICERT_PRODUCT_TYPE")]
    public string? ProductType { get; set; }

    [ConfigurationKeyName("CERTCTL_DIGICERT_BASE_URL")]
    public string? BaseUrl { get; set; }

    /// <summary>Poll deadline of DigiCert orders in seconds; 0 passes to <c>CERTCTL_ASYNC_POLL_MAX_WAIT_SECONDS</c>.</summary>
    [ConfigurationKeyName("CERTCTL_DIGICERT_POLL_MAX_WAIT_SECONDS")]
    [Range(0, 31_536_000)]
    public int PollMaxWaitSeconds { get; set; }
}
