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

    /// <summary>The self-signed root's key: <c>ecdsa-p256</c> (default), <c>ecdsa-p384</c>, <c>rsa-2048</c>, <c>rsa-3072</c> or <c>rsa-4096</c>.</summary>
    [JsonPropertyName("ca_key_type")]
    public string? CaKeyType { get; init; }

    public RootCaOptions ToRootOptions()
    {
        var defaults = new RootCaOptions();
        return defaults with
        {
            CommonName = string.IsNullOrWhiteSpace(CaCommonName) ? defaults.CommonName : CaCommonName,
            Organization = CaOrganization,
            Key = string.IsNullOrWhiteSpace(CaKeyType) ? defaults.Key : ParseKeyType(CaKeyType),
        };
    }

    private static KeySpec ParseKeyType(string value) => value.Trim().ToLowerInvariant() switch
    {
        "ecdsa-p256" => KeySpec.EcdsaP256,
        "ecdsa-p384" => KeySpec.EcdsaP384,
        "rsa-2048" => KeySpec.Rsa2048,
        "rsa-3072" => KeySpec.Rsa3072,
        "rsa-4096" => KeySpec.Rsa4096,
        _ => throw new CertificateAuthorityException(
            $"ca_key_type '{value}' is not supported; use ecdsa-p256, ecdsa-p384, rsa-2048, rsa-3072 or rsa-4096."),
    };

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
