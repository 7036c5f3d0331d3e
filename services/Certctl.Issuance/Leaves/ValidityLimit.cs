namespace Certctl.Issuance;

/// <summary>Which bound decided a leaf's lifetime, so "why did I get only ten days?" has an answer.</summary>
public enum ValidityLimit
{
    /// <summary>The request's TTL, within every maximum.</summary>
    Requested,

    /// <summary>The profile's max TTL: named no TTL, or asked for more.</summary>
    ProfileMaxTtl,

    /// <summary>The issuer's default TTL: neither the request nor the profile named one.</summary>
    IssuerDefaultTtl,

    /// <summary>The issuer's max TTL cut a longer request or profile TTL.</summary>
    IssuerMaxTtl,

    /// <summary>The issuing CA expires sooner; a leaf never outlives its issuer.</summary>
    IssuerExpiry,

    /// <summary>An external CA (a commercial CA's API) chose the lifetime.</summary>
    ExternalIssuer,
}
