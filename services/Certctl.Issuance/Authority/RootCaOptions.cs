namespace Certctl.Issuance;

/// <summary>How to make the local CA's self-signed root (the issuer config's <c>ca_common_name</c> and friends).</summary>
public sealed record RootCaOptions
{
    /// <summary>The root's subject CN; the original's default.</summary>
    public string CommonName { get; init; } = "CertCtl Local CA";

    /// <summary>An optional subject O.</summary>
    public string? Organization { get; init; }

    /// <summary>
    /// ECDSA P-256/P-384 or RSA 2048/3072/4096. P-256 by default: this key signs every leaf, and OpenSSL 3 signs P-256 with
    /// optimised code but P-384 with generic bignum arithmetic, about twenty times slower (two fifths of the connector's CPU in
    /// a 10,000-renewal drain); P-256 remains a 128-bit-strength key. The issuer config's <c>ca_key_type</c> chooses another.
    /// </summary>
    public KeySpec Key { get; init; } = KeySpec.EcdsaP256;

    public TimeSpan Validity { get; init; } = TimeSpan.FromDays(3650);
}
