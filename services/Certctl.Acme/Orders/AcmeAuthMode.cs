namespace Certctl.Acme.Orders;

/// <summary>How a profile's orders prove control of their identifiers (<c>certificate_profiles.acme_auth_mode</c>).</summary>
public enum AcmeAuthMode
{
    /// <summary>The JWS-authenticated account is trusted with any identifier the profile allows: authorizations are valid at once.</summary>
    TrustAuthenticated,

    /// <summary>Each identifier is proven by an http-01, dns-01 or tls-alpn-01 challenge before the order is ready.</summary>
    Challenge,
}
