using System.Text.Json;
using System.Text.Json.Serialization;
using Certctl.Issuance;

namespace Certctl.CaConnector.Issuers.Sectigo;

/// <summary>A Sectigo Certificate Manager issuer's JSON configuration (§4.4 of the reference); keys left out fall back to <see cref="SectigoOptions"/>.</summary>
public sealed record SectigoConfiguration
{
    public const string DefaultBaseUrl = "https://cert-manager.com/api";

    public const int DefaultTerm = 365;

    [JsonPropertyName("customer_uri")]
    public string? CustomerUri { get; init; }

    /// <summary>Sent as the <c>login</c> header; a secret, kept only in <c>encrypted_config</c>.</summary>
    [JsonPropertyName("login")]
    public string? Login { get; init; }

    /// <summary>Sent as the <c>password</c> header; a secret, kept only in <c>encrypted_config</c>.</summary>
    [JsonPropertyName("password")]
    public string? Password { get; init; }

    [JsonPropertyName("org_id")]
    public int? OrgId { get; init; }

    /// <summary>The certificate type id (from Sectigo's <c>GET /ssl/v1/types</c>).</summary>
    [JsonPropertyName("cert_type")]
    public int? CertType { get; init; }

    /// <summary>Validity in days.</summary>
    [JsonPropertyName("term")]
    public int? Term { get; init; }

    [JsonPropertyName("base_url")]
    public string? BaseUrl { get; init; }

    [JsonPropertyName("poll_max_wait_seconds")]
    public int? PollMaxWaitSeconds { get; init; }

    /// <summary>Parses the issuer's configuration and fills the gaps from the environment.</summary>
    /// <exception cref="CertificateAuthorityException">The JSON does not parse, or a credential, the organization or the base URL is missing or invalid.</exception>
    public static SectigoConfiguration Parse(string issuerId, string json, SectigoOptions defaults)
    {
        SectigoConfiguration parsed;
        try
        {
            parsed = JsonSerializer.Deserialize<SectigoConfiguration>(json) ?? new SectigoConfiguration();
        }
        catch (JsonException ex)
        {
            throw new CertificateAuthorityException($"The configuration of issuer '{issuerId}' is not a valid Sectigo configuration: {ex.Message}", ex);
        }

        var complete = parsed with
        {
            CustomerUri = FirstSet(parsed.CustomerUri, defaults.CustomerUri),
            Login = FirstSet(parsed.Login, defaults.Login),
            Password = FirstSet(parsed.Password, defaults.Password),
            OrgId = parsed.OrgId is > 0 ? parsed.OrgId : defaults.OrgId,
            CertType = parsed.CertType ?? defaults.CertType,
            Term = parsed.Term is > 0 ? parsed.Term : defaults.Term > 0 ? defaults.Term : DefaultTerm,
            BaseUrl = (FirstSet(parsed.BaseUrl, defaults.BaseUrl) ?? DefaultBaseUrl).TrimEnd('/'),
        };

        foreach (var (name, value) in new[] { ("customer_uri", complete.CustomerUri), ("login", complete.Login), ("password", complete.Password) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new CertificateAuthorityException($"Sectigo issuer '{issuerId}' has no {name} (nor CERTCTL_SECTIGO_{name.ToUpperInvariant()}).");
            }
        }

        if (complete.OrgId is not > 0)
        {
            throw new CertificateAuthorityException($"Sectigo issuer '{issuerId}' has no org_id (nor CERTCTL_SECTIGO_ORG_ID).");
        }

        if (!Uri.TryCreate(complete.BaseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            throw new CertificateAuthorityException($"Sectigo issuer '{issuerId}' has a base_url that is not an absolute http(s) URL.");
        }

        return complete;
    }

    private static string? FirstSet(string? first, string? second) =>
        !string.IsNullOrWhiteSpace(first) ? first.Trim() : !string.IsNullOrWhiteSpace(second) ? second.Trim() : null;
}
