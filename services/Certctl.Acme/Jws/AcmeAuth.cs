namespace Certctl.Acme.Jws;

/// <summary>Which key a JWS endpoint accepts in the protected header (RFC 8555 §6.2).</summary>
public enum AcmeAuth
{
    /// <summary><c>kid</c>: the URL of a valid account of this profile. Every endpoint except the two below.</summary>
    Kid,

    /// <summary><c>jwk</c>: new-account only.</summary>
    Jwk,

    /// <summary>Either: revoke-cert (by account, or by the certificate's own key).</summary>
    KidOrJwk,
}
