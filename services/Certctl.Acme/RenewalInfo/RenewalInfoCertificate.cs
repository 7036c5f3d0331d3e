namespace Certctl.Acme.RenewalInfo;

/// <summary>What the window of one certificate version depends on: its validity, its renewal policy, and its revocation.</summary>
public sealed record RenewalInfoCertificate(
    DateTimeOffset NotBefore, DateTimeOffset NotAfter, int? PolicyWindowDays, double? PolicyWindowFraction, DateTimeOffset? RevokedAt);
