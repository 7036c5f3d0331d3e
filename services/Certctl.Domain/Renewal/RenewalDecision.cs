namespace Certctl.Domain;

/// <summary>The answer to "should this certificate be renewed now?", with the window that gave it.</summary>
/// <param name="IsDue">True from the moment the window opens, expiry included.</param>
/// <param name="TimeUntilExpiry">Negative once the certificate has expired.</param>
public sealed record RenewalDecision(RenewalWindow Window, bool IsDue, bool IsExpired, TimeSpan TimeUntilExpiry);
