using System.Security.Cryptography;
using System.Text;

namespace Certctl.Testing;

/// <summary>Unique names and secrets for test databases, virtual hosts, nodes and passwords.</summary>
public static class TestNames
{
    /// <summary>Random lowercase hex of <paramref name="bytes"/> bytes.</summary>
    public static string RandomHex(int bytes = 4) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));

    /// <summary>A random password safe in URIs and connection strings without escaping.</summary>
    public static string Secret() => RandomHex(16);

    /// <summary>
    /// <c>test_&lt;owner&gt;_&lt;random&gt;</c>: lowercase letters, digits and underscores only, short enough for a
    /// Postgres identifier, so it needs no quoting anywhere and says which test class made it.
    /// </summary>
    public static string ForOwner(string owner)
    {
        var cleaned = new StringBuilder();
        foreach (var c in owner.ToLowerInvariant())
        {
            cleaned.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        }

        var trimmed = cleaned.ToString().Trim('_');
        if (trimmed.Length > 40)
        {
            trimmed = trimmed[..40];
        }

        return $"test_{(trimmed.Length == 0 ? "x" : trimmed)}_{RandomHex()}";
    }
}
