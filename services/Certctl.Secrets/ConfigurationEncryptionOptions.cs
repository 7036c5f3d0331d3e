using Microsoft.Extensions.Configuration;
namespace Certctl.Secrets;

/// <summary>The key that encrypts issuer configuration at rest, from <c>CERTCTL_CONFIG_ENCRYPTION_KEY</c>.</summary>
public sealed class ConfigurationEncryptionOptions
{
    /// <summary>Configuration key (environment variable) of <see cref="Key"/>.</summary>
    public const string KeyVariable = "CERTCTL_CONFIG_ENCRYPTION_KEY";

    /// <summary>Key length in bytes (AES-256).</summary>
    public const int KeyBytes = 32;

    /// <summary>Base64 of 32 random bytes; shared by every service that reads issuer secrets (gateway, CA connector).</summary>
    [ConfigurationKeyName(KeyVariable)]
    public string? Key { get; set; }

    /// <summary>Why <paramref name="key"/> cannot be used, or null when it is a base64 AES-256 key.</summary>
    public static string? Problem(string? key)
    {
        if (string.IsNullOrWhiteSpace(key))
        {
            return $"{KeyVariable} is not set: issuer configuration cannot be encrypted. Set it to base64 of {KeyBytes} random bytes (e.g. `openssl rand -base64 32`), the same value for the gateway and the CA connector.";
        }

        var buffer = new byte[key.Length];
        return Convert.TryFromBase64String(key.Trim(), buffer, out var length) && length == KeyBytes
            ? null
            : $"{KeyVariable} must be base64 of exactly {KeyBytes} bytes.";
    }
}
