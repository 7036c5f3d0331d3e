using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Certctl.Secrets;

/// <summary>
/// AES-256-GCM for configuration at rest: <c>version (1) ‖ nonce (12) ‖ tag (16) ‖ ciphertext</c>, a fresh random nonce per
/// encryption, and the owning row's id as associated data so a ciphertext copied onto another row does not decrypt.
/// </summary>
public sealed class ConfigurationCipher
{
    /// <summary>The format version byte this cipher writes.</summary>
    public const byte Version = 1;

    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int HeaderSize = 1 + NonceSize + TagSize;

    private readonly byte[] _key;

    /// <summary>Uses the validated <c>CERTCTL_CONFIG_ENCRYPTION_KEY</c>.</summary>
    public ConfigurationCipher(IOptions<ConfigurationEncryptionOptions> options)
        : this(Convert.FromBase64String(options.Value.Key?.Trim() ?? throw new InvalidOperationException(ConfigurationEncryptionOptions.Problem(null))))
    {
    }

    /// <summary>Uses a raw 32-byte key.</summary>
    public ConfigurationCipher(byte[] key)
    {
        if (key.Length != ConfigurationEncryptionOptions.KeyBytes)
        {
            throw new ArgumentException($"An AES-256 key is {ConfigurationEncryptionOptions.KeyBytes} bytes.", nameof(key));
        }

        _key = key;
    }

    /// <summary>Encrypts <paramref name="plaintext"/> bound to <paramref name="rowId"/>.</summary>
    public byte[] Encrypt(ReadOnlySpan<byte> plaintext, string rowId)
    {
        var output = new byte[HeaderSize + plaintext.Length];
        output[0] = Version;
        var nonce = output.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(HeaderSize), output.AsSpan(1 + NonceSize, TagSize), Encoding.UTF8.GetBytes(rowId));
        return output;
    }

    /// <summary>Decrypts what <see cref="Encrypt"/> made for <paramref name="rowId"/>; throws <see cref="CryptographicException"/> when it was altered, moved or made with another key.</summary>
    public byte[] Decrypt(ReadOnlySpan<byte> sealedData, string rowId)
    {
        if (sealedData.Length < HeaderSize || sealedData[0] != Version)
        {
            throw new CryptographicException("Not a configuration ciphertext of a known version.");
        }

        var plaintext = new byte[sealedData.Length - HeaderSize];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(sealedData.Slice(1, NonceSize), sealedData[HeaderSize..], sealedData.Slice(1 + NonceSize, TagSize), plaintext, Encoding.UTF8.GetBytes(rowId));
        return plaintext;
    }
}
