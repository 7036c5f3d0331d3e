using System.Text.Json;
using System.Text.Json.Serialization;
using Certctl.CaConnector.Issuers;

namespace Certctl.CaConnector.RenewalInfo;

/// <summary>
/// The keys of an ACME issuer's configuration that ARI needs (reference §4.4); the ACME connector reads the rest. The
/// renewalInfo GET is unauthenticated, so no account key or EAB is involved.
/// </summary>
public sealed record AcmeAriConfiguration
{
    /// <summary>The ARI request timeout when <c>ari_http_timeout_seconds</c> is missing or not positive.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    /// <summary>The longest <c>ari_http_timeout_seconds</c> honoured; a poll run must not hang on one CA.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(5);

    [JsonPropertyName("directory_url")]
    public string? DirectoryUrl { get; init; }

    /// <summary>ARI is on unless set to false.</summary>
    [JsonPropertyName("ari_enabled")]
    public bool? AriEnabled { get; init; }

    [JsonPropertyName("ari_http_timeout_seconds")]
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public int? AriHttpTimeoutSeconds { get; init; }

    /// <summary>Skips TLS verification of the CA (test CAs only).</summary>
    [JsonPropertyName("insecure")]
    public bool? Insecure { get; init; }

    /// <summary>A PEM file of roots to trust for the CA's TLS instead of the system store (a test CA such as pebble).</summary>
    [JsonPropertyName("ca_bundle_path")]
    public string? CaBundlePath { get; init; }

    public bool Enabled => AriEnabled ?? true;

    public TimeSpan Timeout => AriHttpTimeoutSeconds is > 0 and var seconds
        ? TimeSpan.FromSeconds(Math.Min(seconds, MaxTimeout.TotalSeconds))
        : DefaultTimeout;

    /// <summary>True for the issuer types the ACME connector serves (the schema's <c>ACME</c>, in any case).</summary>
    public static bool IsAcme(IssuerRow row) => string.Equals(row.Type, "acme", StringComparison.OrdinalIgnoreCase);

    /// <summary>The ARI settings of an ACME issuer.</summary>
    /// <exception cref="AriConfigurationException">The JSON does not parse, or the directory URL is missing or not absolute http(s).</exception>
    public static AcmeAriConfiguration Parse(IssuerRow row)
    {
        AcmeAriConfiguration parsed;
        try
        {
            parsed = JsonSerializer.Deserialize<AcmeAriConfiguration>(row.ConfigurationJson) ?? new AcmeAriConfiguration();
        }
        catch (JsonException ex)
        {
            throw new AriConfigurationException($"The configuration of ACME issuer '{row.Id}' does not parse: {ex.Message}", ex);
        }

        if (parsed.Enabled
            && (!Uri.TryCreate(parsed.DirectoryUrl, UriKind.Absolute, out var directory) || directory.Scheme is not ("https" or "http")))
        {
            throw new AriConfigurationException($"ACME issuer '{row.Id}' has no directory_url that is an absolute http(s) URL.");
        }

        return parsed;
    }
}

/// <summary>An ACME issuer's configuration cannot drive ARI; its certificates are left alone until an operator fixes it.</summary>
public sealed class AriConfigurationException(string message, Exception? inner = null) : Exception(message, inner);
