namespace Certctl.LoadTest.Seeding;

/// <summary>Where a seeded certificate's expiry lies, relative to the seed time and its fixture's spread.</summary>
public enum ExpiryRule
{
    /// <summary>In the future, anywhere in the spread.</summary>
    Spread,

    /// <summary>In the future, within the first third of the spread (inside the 30-day renewal window for a 90-day spread).</summary>
    Soon,

    /// <summary>In the past, as far back as the spread reaches.</summary>
    Past,

    /// <summary>None: the certificate was never issued.</summary>
    None,
}

/// <summary>The share of a fixture's certificates that get <paramref name="Status"/>, in whole percent, and where their expiry lies.</summary>
public sealed record StatusShare(string Status, int Percent, ExpiryRule Expiry);
