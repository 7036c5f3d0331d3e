namespace Certctl.Issuance;

/// <summary>The parts of a certificate profile that shape issuance: which keys, how long, which usages, must-staple.</summary>
/// <remarks>The defaults are the <c>certificate_profiles</c> column defaults, so a certificate without a profile gets exactly them.</remarks>
public sealed record IssuanceProfile
{
    /// <summary>The profile used when a certificate has none.</summary>
    public static IssuanceProfile Default { get; } = new();

    /// <summary>A subject key must satisfy at least one rule; an empty list allows nothing.</summary>
    public IReadOnlyList<KeyAlgorithmRule> AllowedKeyAlgorithms { get; init; } =
        [new(KeyAlgorithm.Ecdsa, 256), new(KeyAlgorithm.Rsa, 2048)];

    /// <summary>The longest lifetime, and the lifetime when the request names none; null or zero (<c>max_ttl_seconds</c> 0) defers to the issuer.</summary>
    public TimeSpan? MaxTtl { get; init; }

    /// <summary>The extended key usages every certificate of the profile carries; empty means serverAuth.</summary>
    public IReadOnlyList<ExtendedKeyUsage> ExtendedKeyUsages { get; init; } = [ExtendedKeyUsage.ServerAuth];

    /// <summary>Add the OCSP must-staple (TLS feature status_request) extension to every certificate of the profile.</summary>
    public bool MustStaple { get; init; }
}
