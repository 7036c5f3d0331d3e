using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Certctl.Issuance;

namespace Certctl.CaConnector.Issuers.DigiCert;

/// <summary>A DigiCert CertCentral issuer's JSON configuration (§4.4 of the reference); keys left out fall back to <see cref="DigiCertOptions"/>.</summary>
public sealed record DigiCertConfiguration
{
    public const string DefaultBaseUrl = "https://www.digicert.com/services/v2";

    public const string DefaultProductType = "ssl_basic";

    /// <summary>Sent as the <c>X-DC-DEVKEY</c> header; a secret, kept only in <c>encrypted_config</c>.</summary>
    [JsonPropertyName("api_key")]
    public string? ApiKey { get; init; }

    /// <summary>The CertCentral organization the orders are placed for (a number, written as a number or a string).</summary>
    [JsonPropertyName("org_id")]
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public long? OrgId { get; init; }

    [JsonPropertyName("product_type")]
    public string? ProductType { get; init; }

    [JsonPropertyName("base_url")]
    public string? BaseUrl { get; init; }

    [JsonPropertyName("poll_max_wait_seconds")]
    public int? PollMaxWaitSeconds { get; init; }

    /// <summary>Parses the issuer's configuration and fills the gaps from the environment.</summary>
    /// <exception cref="CertificateAuthorityException">The JSON does not parse, or the API key, organization or base URL is missing or invalid.</exception>
    public static DigiCertConfiguration Parse(string issuerId, string json, DigiCertOptions defaults)
    {
        DigiCertConfiguration parsed;
        try
        {
            parsed = JsonSerializer.Deserialize<DigiCertConfiguration>(json) ?? new DigiCertConfiguration();
        }
        catch (JsonException ex)
        {
            throw new CertificateAuthorityException($"The configuration of issuer '{issuerId}' is not a valid DigiCert configuration: {ex.Message}", ex);
        }

        var orgId = parsed.OrgId
            ?? (long.TryParse(defaults.OrgId, NumberStyles.None, CultureInfo.InvariantCulture, out var fromEnv) ? fromEnv : null);
        var complete = parsed with
        {
            ApiKey = string.IsNullOrWhiteSpace(parsed.ApiKey) ? defaults.ApiKey : parsed.ApiKey,
            OrgId = orgId,
            ProductType = FirstSet(parsed.ProductType, defaults.ProductType) ?? DefaultProductType,
            BaseUrl = (FirstSet(parsed.BaseUrl, defaults.BaseUrl) ?? DefaultBaseUrl).TrimEnd('/'),
        };

        if (string.IsNullOrWhiteSpace(complete.ApiKey))
        {
            throw new CertificateAuthorityException($"DigiCert issuer '{issuerId}' has no api_key (nor CERTCTL_DIGICERT_API_KEY).");
        }

        if (complete.OrgId is not > 0)
        {
            throw new CertificateAuthorityException($"DigiCert issuer '{issuerId}' has no org_id (nor CERTCTL_DIGICERT_ORG_ID).");
        }

        if (!Uri.TryCreate(complete.BaseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            throw new CertificateAuthorityException($"DigiCert issuer '{issuerId}' has a base_url that is not an absolute http(s) URL.");
        }

        if (complete.ProductType!.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '_' or '-')))
        {
            throw new CertificateAuthorityException($"DigiCert issuer '{issuerId}' has a product_type that is not a product name.");
        }

        return complete;
    }

    private static string? FirstSet(string? first, string? second) =>
        !string.IsNullOrWhiteSpace(first) ? first.Trim() : !string.IsNullOrWhiteSpace(second) ? second.Trim() : null;
}
