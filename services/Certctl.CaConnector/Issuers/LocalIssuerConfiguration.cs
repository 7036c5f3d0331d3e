using System.Text.Json.Serialization;
using Certctl.Issuance;

namespace Certctl.CaConnector.Issuers;

/// <summary>A local CA issuer's JSON configuration (the original's keys and defaults; §4.4 of the reference).</summary>
public sealed record LocalIssuerConfiguration
{
    [JsonPropertyName("ca_common_name")]
    public string? CaCommonName { get; init; }

    [JsonPropertyName("ca_organization")]
    public string? CaOrganization { get; init; }

    /// <summary>Default leaf lifetime in days (90).</summary>
    [JsonPropertyName("validity_days")]
    public int? ValidityDays { get; init; }

    /// <summary>The longest leaf lifetime in days, whatever a profile asks (398).</summary>
    [JsonPropertyName("max_validity_days")]
    public int? MaxValidityDays { get; init; }

    /// <summary>Sub-CA mode: both paths, or neither (then a self-signed root is made once and stored).</summary>
    [JsonPropertyName("ca_cert_path")]
    public string? CaCertPath { get; init; }

    [JsonPropertyName("ca_key_path")]
    public string? CaKeyPath { get; init; }

    [JsonPropertyName("crl_distribution_point_urls")]
    public IReadOnlyList<string>? CrlDistributionPointUrls { get; init; }

    [JsonPropertyName("ocsp_urls")]
    public IReadOnlyList<string>? OcspUrls { get; init; }

    public RootCaOptions ToRootOptions()
    {
        var defaults = new RootCaOptions();
        return defaults with
        {
            CommonName = string.IsNullOrWhiteSpace(CaCommonName) ? defaults.CommonName : CaCommonName,
            Organization = CaOrganization,
        };
    }

    public LocalCaOptions ToLocalCaOptions()
    {
        var defaults = new LocalCaOptions();
        return defaults with
        {
            DefaultTtl = ValidityDays is > 0 ? TimeSpan.FromDays(ValidityDays.Value) : defaults.DefaultTtl,
            MaxTtl = MaxValidityDays is > 0 ? TimeSpan.FromDays(MaxValidityDays.Value) : defaults.MaxTtl,
            CrlDistributionPointUrls = CrlDistributionPointUrls ?? [],
            OcspUrls = OcspUrls ?? [],
        };
    }
}
