using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Certctl.Gateway.Auth;

/// <summary>Parses <c>CERTCTL_API_KEYS_NAMED</c> (<c>name:key[:admin]</c>, comma-separated) into hashed entries, collecting every error.</summary>
public static partial class ApiKeyParser
{
    /// <summary>The only accepted third field.</summary>
    public const string AdminFlag = "admin";

    /// <summary>Parses <paramref name="specification"/>; blank or absent means no keys. Error messages never contain key material.</summary>
    public static ApiKeyParseResult Parse(string? specification)
    {
        var entries = new List<ApiKeyEntry>();
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(specification))
        {
            return new ApiKeyParseResult(entries, errors);
        }

        var firstEntryOfHash = new Dictionary<string, (string Name, int Position)>(StringComparer.Ordinal);
        var adminFlagOfName = new Dictionary<string, (bool IsAdmin, int Position)>(StringComparer.Ordinal);
        var position = 0;
        foreach (var segment in specification.Split(','))
        {
            position++;
            var text = segment.Trim();
            if (text.Length == 0)
            {
                continue; // a trailing or doubled comma carries no key
            }

            if (ParseEntry(text) is not { } parsed)
            {
                errors.Add(Describe(text, position));
                continue;
            }

            var hashHex = Convert.ToHexString(parsed.KeyHash);
            if (firstEntryOfHash.TryGetValue(hashHex, out var earlier))
            {
                errors.Add(earlier.Name == parsed.Name
                    ? $"entry {position} ('{parsed.Name}') repeats entry {earlier.Position}: the same name and key twice"
                    : $"entry {position} ('{parsed.Name}') uses the same key as entry {earlier.Position} ('{earlier.Name}'); one key must name one actor");
                continue;
            }

            if (adminFlagOfName.TryGetValue(parsed.Name, out var flag) && flag.IsAdmin != parsed.IsAdmin)
            {
                errors.Add($"entry {position} ('{parsed.Name}') has a different admin flag than entry {flag.Position}; rotation keys of one name must share it");
                continue;
            }

            firstEntryOfHash[hashHex] = (parsed.Name, position);
            adminFlagOfName[parsed.Name] = (parsed.IsAdmin, position);
            entries.Add(new ApiKeyEntry(parsed.Name, parsed.IsAdmin, parsed.KeyHash));
        }

        return new ApiKeyParseResult(entries, errors);
    }

    private static (string Name, bool IsAdmin, byte[] KeyHash)? ParseEntry(string text)
    {
        var fields = text.Split(':');
        if (fields.Length is < 2 or > 3 || !NamePattern().IsMatch(fields[0]) || !IsUsableKey(fields[1]))
        {
            return null;
        }

        if (fields.Length == 3 && !string.Equals(fields[2], AdminFlag, StringComparison.Ordinal))
        {
            return null;
        }

        return (fields[0], fields.Length == 3, SHA256.HashData(Encoding.UTF8.GetBytes(fields[1])));
    }

    // Says what is wrong without echoing the key (nor the name when it is malformed: it might be a mistyped key).
    private static string Describe(string text, int position)
    {
        var fields = text.Split(':');
        if (fields.Length < 2)
        {
            return $"entry {position} is not name:key or name:key:admin";
        }

        if (fields.Length > 3)
        {
            return $"entry {position} has more than three ':'-separated fields (a key must not contain ':')";
        }

        if (!NamePattern().IsMatch(fields[0]))
        {
            return $"entry {position} has an invalid name: use letters, digits, '-' and '_' only";
        }

        if (!IsUsableKey(fields[1]))
        {
            return $"entry {position} ('{fields[0]}') has an empty key or a key with whitespace";
        }

        return $"entry {position} ('{fields[0]}') has '{Shorten(fields[2])}' as third field; it must be exactly '{AdminFlag}' or absent";
    }

    private static bool IsUsableKey(string key) => key.Length > 0 && !key.Any(char.IsWhiteSpace);

    private static string Shorten(string text) => text.Length <= 16 ? text : text[..16] + "…";

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex NamePattern();
}
