using System.Buffers.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Certctl.Domain;

/// <summary>
/// An external ACME CA issuer's JSON configuration (§4.4 of the reference, plus <c>ca_bundle_path</c>), with the rules the
/// gateway checks on create and update and the CA connector checks on use.
/// </summary>
public sealed record AcmeIssuerConfiguration
{
    public const string Http01 = "http-01";

    public const string Dns01 = "dns-01";

    public const int DefaultHttpPort = 80;

    public const int DefaultDnsPropagationWaitSeconds = 30;

    /// <summary>
    /// The longest <c>dns_propagation_wait</c>: the whole challenge phase runs inside the order submission, which the
    /// async-order framework gives five minutes before it treats it as unfinished.
    /// </summary>
    public const int MaxDnsPropagationWaitSeconds = 180;

    /// <summary>The CA's directory, e.g. <c>https://acme-v02.api.letsencrypt.org/directory</c>. The ARI code reads this key too.</summary>
    [JsonPropertyName("directory_url")]
    public string? DirectoryUrl { get; init; }

    /// <summary>The account's contact, sent as <c>mailto:</c>.</summary>
    [JsonPropertyName("email")]
    public string? Email { get; init; }

    /// <summary>External account binding key id (RFC 8555 §7.3.4), for CAs that require one.</summary>
    [JsonPropertyName("eab_kid")]
    public string? EabKid { get; init; }

    /// <summary>External account binding HMAC key, base64url; a secret, kept only in <c>encrypted_config</c>.</summary>
    [JsonPropertyName("eab_hmac")]
    public string? EabHmac { get; init; }

    /// <summary>The port the built-in http-01 responder listens on.</summary>
    [JsonPropertyName("http_port")]
    public int? HttpPort { get; init; }

    [JsonPropertyName("challenge_type")]
    public string? ChallengeType { get; init; }

    [JsonPropertyName("dns_present_script")]
    public string? DnsPresentScript { get; init; }

    [JsonPropertyName("dns_cleanup_script")]
    public string? DnsCleanupScript { get; init; }

    /// <summary>Seconds to wait after the present script before asking the CA to validate.</summary>
    [JsonPropertyName("dns_propagation_wait")]
    public int? DnsPropagationWait { get; init; }

    /// <summary>The certificate profile asked for in <c>newOrder</c> (e.g. <c>tlsserver</c>, <c>shortlived</c>), when the CA offers profiles.</summary>
    [JsonPropertyName("profile")]
    public string? Profile { get; init; }

    /// <summary>Skip TLS verification of the ACME server: for test CAs only.</summary>
    [JsonPropertyName("insecure")]
    public bool Insecure { get; init; }

    /// <summary>A PEM file of roots to trust for the ACME server's TLS (instead of the system store), e.g. a test CA's.</summary>
    [JsonPropertyName("ca_bundle_path")]
    public string? CaBundlePath { get; init; }

    /// <summary>How long the poller follows an order after finalize; 0 or unset passes to <c>CERTCTL_ASYNC_POLL_MAX_WAIT_SECONDS</c>.</summary>
    [JsonPropertyName("poll_max_wait_seconds")]
    public int? PollMaxWaitSeconds { get; init; }

    public int EffectiveHttpPort => HttpPort ?? DefaultHttpPort;

    public string EffectiveChallengeType => string.IsNullOrWhiteSpace(ChallengeType) ? Http01 : ChallengeType.Trim().ToLowerInvariant();

    public TimeSpan EffectiveDnsPropagationWait => TimeSpan.FromSeconds(DnsPropagationWait ?? DefaultDnsPropagationWaitSeconds);

    /// <summary>Parses and checks <paramref name="json"/>; returns what is wrong with it, or null with <paramref name="configuration"/> set.</summary>
    public static string? TryRead(string json, out AcmeIssuerConfiguration? configuration)
    {
        configuration = null;
        AcmeIssuerConfiguration parsed;
        try
        {
            parsed = JsonSerializer.Deserialize<AcmeIssuerConfiguration>(json) ?? new AcmeIssuerConfiguration();
        }
        catch (JsonException ex)
        {
            return $"not a valid ACME configuration: {ex.Message}";
        }

        if (Problem(parsed) is { } problem)
        {
            return problem;
        }

        configuration = parsed;
        return null;
    }

    /// <summary>The first thing wrong with a parsed configuration, or null.</summary>
    public static string? Problem(AcmeIssuerConfiguration configuration)
    {
        if (!Uri.TryCreate(configuration.DirectoryUrl, UriKind.Absolute, out var directory) || directory.Scheme is not ("https" or "http"))
        {
            return "directory_url must be an absolute http(s) URL.";
        }

        if (configuration.EffectiveHttpPort is < 1 or > 65535)
        {
            return "http_port must be between 1 and 65535.";
        }

        if (configuration.EffectiveChallengeType is not (Http01 or Dns01))
        {
            return $"challenge_type must be {Http01} or {Dns01}.";
        }

        if (configuration.EffectiveChallengeType == Dns01 && string.IsNullOrWhiteSpace(configuration.DnsPresentScript))
        {
            return "challenge_type dns-01 needs dns_present_script.";
        }

        if (configuration.DnsPropagationWait is < 0 or > MaxDnsPropagationWaitSeconds)
        {
            return $"dns_propagation_wait must be between 0 and {MaxDnsPropagationWaitSeconds} seconds.";
        }

        if (string.IsNullOrWhiteSpace(configuration.EabKid) != string.IsNullOrWhiteSpace(configuration.EabHmac))
        {
            return "eab_kid and eab_hmac go together: set both or neither.";
        }

        if (!string.IsNullOrWhiteSpace(configuration.EabHmac) && !Base64Url.IsValid(configuration.EabHmac.Trim()))
        {
            return "eab_hmac must be base64url.";
        }

        if (configuration.PollMaxWaitSeconds is < 0 or > 31_536_000)
        {
            return "poll_max_wait_seconds must be between 0 and 31536000.";
        }

        return null;
    }
}
