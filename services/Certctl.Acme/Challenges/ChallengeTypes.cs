using Certctl.Acme.Protocol;

namespace Certctl.Acme.Challenges;

/// <summary>Which challenges an authorization offers (the original offered http-01 only, its GAP-10).</summary>
public static class ChallengeTypes
{
    public const string Http01 = "http-01";
    public const string Dns01 = "dns-01";
    public const string TlsAlpn01 = "tls-alpn-01";

    /// <summary>
    /// A wildcard can only be proven in DNS (RFC 8555 §7.1.3), an IP address not in DNS (RFC 8738 §7), and tls-alpn-01 never covers a
    /// wildcard (RFC 8737 §3); everything else gets all three.
    /// </summary>
    public static IReadOnlyList<string> For(AcmeIdentifier identifier, bool wildcard) =>
        wildcard ? [Dns01]
        : identifier.Type == "ip" ? [Http01, TlsAlpn01]
        : [Http01, Dns01, TlsAlpn01];
}
