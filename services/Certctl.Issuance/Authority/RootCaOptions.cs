namespace Certctl.Issuance;

/// <summary>How to make the local CA's self-signed root (the issuer config's <c>ca_common_name</c> and friends).</summary>
public sealed record RootCaOptions
{
    /// <summary>The root's subject CN; the original's default.</summary>
    public string CommonName { get; init; } = "CertCtl Local CA";

    /// <summary>An optional subject O.</summary>
    public string? Organization { get; init; }

    /// <summary>ECDSA P-256/P-384 or RSA 2048/3072/4096. P-384: a root outlives many leaves, so it gets the stronger curve.</summary>
    public KeySpec Key { get; init; } = KeySpec.EcdsaP384;

    public TimeSpan Validity { get; init; } = TimeSpan.FromDays(3650);
}
