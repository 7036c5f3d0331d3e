namespace Certctl.Issuance;

/// <summary>The local CA issuer's settings that shape every leaf.</summary>
public sealed record LocalCaOptions
{
    /// <summary>The lifetime when neither the request nor the profile names one (the issuer's <c>validity_days</c>, default 90).</summary>
    public TimeSpan DefaultTtl { get; init; } = TimeSpan.FromDays(90);

    /// <summary>
    /// The longest lifetime this issuer grants whatever the request or profile says. 398 days is what browsers
    /// accepted before CA/B Forum ballot SC-081 (200 days from March 2026, 47 from 2029); a private CA is not bound by
    /// it, but may be configured to match.
    /// </summary>
    public TimeSpan MaxTtl { get; init; } = TimeSpan.FromDays(398);

    /// <summary>CRL distribution point URLs put in every leaf (<c>crl_distribution_point_urls</c>); none by default.</summary>
    public IReadOnlyList<string> CrlDistributionPointUrls { get; init; } = [];

    /// <summary>OCSP responder URLs for the leaves' Authority Information Access extension.</summary>
    public IReadOnlyList<string> OcspUrls { get; init; } = [];

    /// <summary>URLs where the issuing CA certificate can be fetched (AIA caIssuers).</summary>
    public IReadOnlyList<string> CaIssuersUrls { get; init; } = [];
}
