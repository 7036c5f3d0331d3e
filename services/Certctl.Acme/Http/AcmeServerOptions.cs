using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace Certctl.Acme.Http;

/// <summary>The ACME server's protocol settings, bound from their <c>CERTCTL_ACME_SERVER_*</c> names and validated on start.</summary>
public sealed class AcmeServerOptions
{
    /// <summary>Base64 length of a 32-byte key (with padding).</summary>
    public const int NonceKeyBytes = 32;

    /// <summary>The certificate profile the <c>/acme/…</c> shorthand serves; unset means the shorthand answers 403.</summary>
    [ConfigurationKeyName("CERTCTL_ACME_SERVER_DEFAULT_PROFILE_ID")]
    public string? DefaultProfileId { get; set; }

    /// <summary>Base64 of 32 random bytes, the same on every ACME replica: nonces are sealed under it (AES-256-GCM).</summary>
    [ConfigurationKeyName("CERTCTL_ACME_SERVER_NONCE_KEY")]
    public string? NonceKey { get; set; }

    /// <summary>How long a nonce stays redeemable after it was issued.</summary>
    [ConfigurationKeyName("CERTCTL_ACME_SERVER_NONCE_TTL_SECONDS")]
    [Range(10, 86_400)]
    public int NonceTtlSeconds { get; set; } = 300;

    /// <summary>Largest JWS request body accepted; larger ones are refused before they are read.</summary>
    [ConfigurationKeyName("CERTCTL_ACME_SERVER_MAX_JWS_BYTES")]
    [Range(1024, 1024 * 1024)]
    public int MaxJwsBytes { get; set; } = 64 * 1024;

    /// <summary>Directory <c>meta.termsOfService</c>; when set, new accounts must send <c>termsOfServiceAgreed: true</c>.</summary>
    [ConfigurationKeyName("CERTCTL_ACME_SERVER_TOS_URL")]
    [Url]
    public string? TermsOfServiceUrl { get; set; }

    /// <summary>Directory <c>meta.website</c>.</summary>
    [ConfigurationKeyName("CERTCTL_ACME_SERVER_WEBSITE")]
    [Url]
    public string? Website { get; set; }

    /// <summary>Directory <c>meta.caaIdentities</c>, a comma-separated list of domain names.</summary>
    [ConfigurationKeyName("CERTCTL_ACME_SERVER_CAA_IDENTITIES")]
    public string? CaaIdentities { get; set; }

    /// <summary>New accounts must carry an external account binding (RFC 8555 §7.3.4); advertised in the directory and enforced.</summary>
    [ConfigurationKeyName("CERTCTL_ACME_SERVER_EAB_REQUIRED")]
    public bool ExternalAccountRequired { get; set; }

    /// <summary>The directory advertises <c>renewalInfo</c> (RFC 9773).</summary>
    [ConfigurationKeyName("CERTCTL_ACME_SERVER_ARI_ENABLED")]
    public bool RenewalInfoEnabled { get; set; } = true;

    /// <summary>
    /// Comma-separated addresses or CIDR networks whose <c>X-Forwarded-Host</c>/<c>-Proto</c>/<c>-For</c> are believed (the gateway).
    /// Loopback is always trusted; a request from anywhere else has its forwarded headers ignored.
    /// </summary>
    [ConfigurationKeyName("CERTCTL_ACME_SERVER_TRUSTED_PROXIES")]
    public string? TrustedProxies { get; set; }

    /// <summary>How long the profile list is served from memory before it is read again.</summary>
    [ConfigurationKeyName("CERTCTL_ACME_SERVER_PROFILE_CACHE_SECONDS")]
    [Range(0, 3600)]
    public int ProfileCacheSeconds { get; set; } = 10;

    public TimeSpan NonceLifetime => TimeSpan.FromSeconds(NonceTtlSeconds);

    public TimeSpan ProfileCacheDuration => TimeSpan.FromSeconds(ProfileCacheSeconds);

    /// <summary>The CAA identities as a trimmed list without empty entries.</summary>
    public IReadOnlyList<string> CaaIdentityList =>
        (CaaIdentities ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Why <paramref name="key"/> cannot seal nonces, or null when it is base64 of 32 bytes.</summary>
    public static string? NonceKeyProblem(string? key)
    {
        if (string.IsNullOrWhiteSpace(key))
        {
            return "CERTCTL_ACME_SERVER_NONCE_KEY is not set: set it to base64 of 32 random bytes (e.g. `openssl rand -base64 32`), the same value on every ACME replica.";
        }

        var buffer = new byte[key.Length];
        return Convert.TryFromBase64String(key.Trim(), buffer, out var length) && length == NonceKeyBytes
            ? null
            : $"CERTCTL_ACME_SERVER_NONCE_KEY must be base64 of exactly {NonceKeyBytes} bytes.";
    }
}
