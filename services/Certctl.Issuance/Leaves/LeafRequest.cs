namespace Certctl.Issuance;

/// <summary>What to issue: the names (from the certificate row, or an ACME order's identifiers), an optional lifetime, must-staple.</summary>
/// <remarks>
/// A CSR contributes only its public key. Names it asks for are ignored: the certificate row is the one truth, and
/// an agent must not be able to add names to its own certificate (the original merged the CSR's SANs in).
/// </remarks>
public sealed record LeafRequest
{
    /// <summary>The subject CN, or null for an empty subject (then the SANs carry every name).</summary>
    public string? CommonName { get; init; }

    /// <summary>DNS names, IP addresses, e-mail addresses and URIs, told apart by their syntax, in any order and case.</summary>
    public IReadOnlyList<string> SubjectAlternativeNames { get; init; } = [];

    /// <summary>The lifetime asked for; null takes the profile's, else the issuer's default. Longer than the maximum is cut to it.</summary>
    public TimeSpan? Ttl { get; init; }

    /// <summary>Add OCSP must-staple even when the profile does not ask for it.</summary>
    public bool MustStaple { get; init; }
}
