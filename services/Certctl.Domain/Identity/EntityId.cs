namespace Certctl.Domain;

/// <summary>The one id scheme: a prefix, a dash and 26 characters of time-ordered randomness (ULID layout).</summary>
/// <remarks>
/// 48 bits of Unix milliseconds then 80 random bits, in lower-case Crockford base32. Ids generated later sort
/// later, so keyset indexes on id grow at the end instead of splitting pages at random.
/// Rows from seeds or the original may carry other ids (<c>mc-api-prod</c>); only generated ids are well formed.
/// </remarks>
public static class EntityId
{
    /// <summary>Characters after the dash.</summary>
    public const int BodyLength = 26;

    internal const int TimestampLength = 10;

    internal const int RandomBits = 80;

    private const int MaxPrefixLength = 8;

    public static bool IsValidPrefix(string? prefix) =>
        prefix is { Length: > 0 and <= MaxPrefixLength } && prefix.All(char.IsAsciiLetterLower);

    public static bool IsWellFormed(string? id) => TryParse(id, out _, out _);

    public static bool IsWellFormed(string? id, string expectedPrefix) =>
        TryParse(id, out var prefix, out _) && prefix == expectedPrefix;

    /// <summary>Reads back the prefix and the millisecond at which a generated id was made.</summary>
    public static bool TryParse(string? id, out string prefix, out DateTimeOffset createdAt)
    {
        prefix = string.Empty;
        createdAt = default;

        var dash = id?.LastIndexOf('-') ?? -1;
        if (dash < 0 || id!.Length - dash - 1 != BodyLength || !IsValidPrefix(id[..dash]))
        {
            return false;
        }

        var body = id.AsSpan(dash + 1);

        // 26 characters carry 130 bits; the top two must be zero, so the first character is at most '7'.
        if (body[0] > '7' || !CrockfordBase32.TryDecode(body, out var value))
        {
            return false;
        }

        prefix = id[..dash];
        createdAt = DateTimeOffset.FromUnixTimeMilliseconds((long)(value >> RandomBits));
        return true;
    }
}
