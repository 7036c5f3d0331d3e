using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Certctl.Scheduler.Notifications;

/// <summary>
/// The webhook's signature: <c>X-Certctl-Signature: sha256=&lt;hex&gt;</c>, the HMAC-SHA256 under <c>CERTCTL_WEBHOOK_SECRET</c> of
/// <c>&lt;X-Certctl-Timestamp&gt;.&lt;body&gt;</c>. Signing the timestamp lets a receiver refuse replays of an old request.
/// </summary>
public static class WebhookSignature
{
    public const string SignatureHeader = "X-Certctl-Signature";
    public const string TimestampHeader = "X-Certctl-Timestamp";
    public const string IdHeader = "X-Certctl-Notification-Id";

    /// <summary>The header value for <paramref name="body"/> sent at <paramref name="unixSeconds"/>.</summary>
    public static string Compute(string secret, long unixSeconds, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(unixSeconds.ToString(CultureInfo.InvariantCulture) + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }

    /// <summary>True when <paramref name="header"/> is the signature of <paramref name="body"/> at <paramref name="unixSeconds"/> (constant time).</summary>
    public static bool Verify(string secret, long unixSeconds, ReadOnlySpan<byte> body, string? header) =>
        header is not null && CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(Compute(secret, unixSeconds, body)), Encoding.ASCII.GetBytes(header));
}
