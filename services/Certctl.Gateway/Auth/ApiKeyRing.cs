using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Certctl.Gateway.Auth;

/// <summary>The hashed operator keys in memory, and the constant-time lookup of a presented key.</summary>
public sealed class ApiKeyRing(IOptions<ApiKeyOptions> options)
{
    private readonly IReadOnlyList<ApiKeyEntry> _entries = options.Value.Keys;

    /// <summary>How many keys are configured.</summary>
    public int Count => _entries.Count;

    /// <summary>The entry whose key is <paramref name="presentedKey"/>, or null.</summary>
    /// <remarks>
    /// The presented key is hashed and compared with every entry in constant time, match or not, so the time taken says
    /// nothing about how close a guess was or which entry matched. Keys are high-entropy secrets, so an unsalted
    /// SHA-256 is enough to keep them out of memory dumps without slowing each request down.
    /// </remarks>
    public ApiKeyEntry? Find(string presentedKey)
    {
        Span<byte> presented = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presentedKey), presented);
        ApiKeyEntry? match = null;
        foreach (var entry in _entries)
        {
            // The comparison runs first so that every entry is compared even after a match.
            if (CryptographicOperations.FixedTimeEquals(entry.KeyHash, presented) && match is null)
            {
                match = entry;
            }
        }

        return match;
    }
}
