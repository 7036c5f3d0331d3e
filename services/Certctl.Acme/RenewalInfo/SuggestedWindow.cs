namespace Certctl.Acme.RenewalInfo;

/// <summary>
/// The renewal window RFC 9773 suggests for one certificate version, placed like the scheduler's renewal scan places its own:
/// with a renewal policy, from <c>renewal_window_days</c> before expiry (or once <c>renewal_window_fraction</c> of the lifetime has
/// elapsed) through half of what then remains; without one, the last third of the validity, ending a ninth before expiry. A
/// revoked certificate gets a window that has already begun, which tells a client to renew at once (RFC 9773 §4.2).
/// </summary>
public sealed record SuggestedWindow(DateTimeOffset Start, DateTimeOffset End)
{
    public static SuggestedWindow For(RenewalInfoCertificate certificate, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var (notBefore, notAfter) = (certificate.NotBefore, certificate.NotAfter);
        if (certificate.RevokedAt is { } revokedAt)
        {
            var start = revokedAt < now ? revokedAt : now;
            return new SuggestedWindow(start, start + TimeSpan.FromMinutes(1));
        }

        var lifetime = notAfter - notBefore;
        if (certificate.PolicyWindowFraction is { } fraction && lifetime > TimeSpan.Zero)
        {
            var start = notBefore + (lifetime * fraction);
            return Ordered(start, start + ((notAfter - start) / 2));
        }

        if (certificate.PolicyWindowDays is { } days and > 0)
        {
            var start = notAfter - TimeSpan.FromDays(days);
            return Ordered(start, start + (TimeSpan.FromDays(days) / 2));
        }

        return lifetime > TimeSpan.Zero
            ? Ordered(notAfter - (lifetime / 3), notAfter - (lifetime / 9))
            : Ordered(notAfter - TimeSpan.FromDays(1), notAfter);
    }

    // RFC 9773 §4.2 wants end after start; second precision (the wire form) must not collapse them.
    private static SuggestedWindow Ordered(DateTimeOffset start, DateTimeOffset end) =>
        new(start, end - start >= TimeSpan.FromSeconds(1) ? end : start + TimeSpan.FromSeconds(1));
}
