using System.Text.Json;
using System.Text.Json.Serialization;
using Certctl.Domain;

namespace Certctl.Issuance;

/// <summary>Turns <c>certificate_profiles</c> columns into the engine's <see cref="IssuanceProfile"/> (the CA connector issues by it, agent ingest checks CSRs by it).</summary>
public static class ProfileColumns
{
    /// <exception cref="CertificateAuthorityException">A column holds something the engine cannot apply (an operator must fix the profile).</exception>
    public static IssuanceProfile ToProfile(string allowedKeyAlgorithmsJson, int maxTtlSeconds, IReadOnlyList<string> allowedEkus, bool mustStaple)
    {
        var rules = new List<KeyAlgorithmRule>();
        foreach (var entry in JsonSerializer.Deserialize<KeyRuleJson[]>(allowedKeyAlgorithmsJson) ?? [])
        {
            rules.Add(WireNames<KeyAlgorithm>.TryParse(entry.Algorithm, out var algorithm)
                ? new KeyAlgorithmRule(algorithm, entry.MinSize)
                : throw new CertificateAuthorityException($"The profile allows an unknown key algorithm '{entry.Algorithm}'."));
        }

        var usages = allowedEkus
            .Select(name => WireNames<ExtendedKeyUsage>.TryParse(name, out var usage)
                ? usage
                : throw new CertificateAuthorityException($"The profile names an unknown extended key usage '{name}'."))
            .ToList();

        return new IssuanceProfile
        {
            AllowedKeyAlgorithms = rules,
            MaxTtl = maxTtlSeconds > 0 ? TimeSpan.FromSeconds(maxTtlSeconds) : null,
            ExtendedKeyUsages = usages,
            MustStaple = mustStaple,
        };
    }

    /// <summary>The key server key mode makes: the first of P-256, P-384, RSA 2048/3072/4096 the profile allows.</summary>
    /// <exception cref="DisallowedKeyException">The profile allows none of them.</exception>
    public static KeySpec ServerKeyFor(IssuanceProfile profile) =>
        KeySpec.Generatable.FirstOrDefault(key => profile.AllowedKeyAlgorithms.Any(rule => rule.Allows(key))) is var key && key != default
            ? key
            : throw new DisallowedKeyException($"Server key mode found no key it can make among those the profile allows ({string.Join(", ", profile.AllowedKeyAlgorithms)}).");

    private sealed record KeyRuleJson(
        [property: JsonPropertyName("algorithm")] string Algorithm,
        [property: JsonPropertyName("min_size")] int MinSize);
}
