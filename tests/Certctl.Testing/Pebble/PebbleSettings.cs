namespace Certctl.Testing;

/// <summary>How a test's pebble runs: the port it validates http-01 on, and the optional policy it enforces.</summary>
public sealed record PebbleSettings
{
    /// <summary>The port pebble's VA connects to for http-01 (the connector's responder port).</summary>
    public required int HttpPort { get; init; }

    /// <summary>Percentage of good nonces pebble rejects as badNonce (<c>PEBBLE_WFE_NONCEREJECT</c>), to exercise the retry.</summary>
    public int NonceRejectPercent { get; init; }

    /// <summary>Domains pebble refuses with rejectedIdentifier.</summary>
    public IReadOnlyList<string> DomainBlocklist { get; init; } = [];

    /// <summary>External account binding keys (kid → base64url HMAC key); when set, pebble requires a binding on newAccount.</summary>
    public IReadOnlyDictionary<string, string> ExternalAccountKeys { get; init; } = new Dictionary<string, string>();
}
