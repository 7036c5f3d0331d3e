using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Certctl.AgentIngest.Auth;

/// <summary>Per-agent tokens: 32 random bytes in base64url, stored only as their SHA-256.</summary>
/// <remarks>A fast unsalted hash is right here: the token is 256 bits of randomness, so there is nothing to guess that a slow hash would protect.</remarks>
public static class AgentToken
{
    private const int TokenBytes = 32;

    /// <summary>A new token (43 characters) to hand to the agent once.</summary>
    public static string Generate() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(TokenBytes));

    /// <summary>The value kept in <c>agents.token_hash</c>.</summary>
    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>The bearer token of <c>Authorization: Bearer …</c>, or null when there is none.</summary>
    public static string? FromAuthorization(string? header)
    {
        const string scheme = "Bearer ";
        if (header is null || !header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var token = header[scheme.Length..].Trim();
        return token.Length == 0 ? null : token;
    }

    /// <summary>Constant-time comparison of two secrets of any length (the lengths are compared as hashes, so they leak nothing).</summary>
    public static bool SecretsEqual(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(Hash(presented), Hash(expected));
}
