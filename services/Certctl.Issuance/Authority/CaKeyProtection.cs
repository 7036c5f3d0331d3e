using System.Security.Cryptography;

namespace Certctl.Issuance;

/// <summary>
/// Encrypts a CA private key for storage as PKCS#8 EncryptedPrivateKeyInfo: PBES2 with PBKDF2-HMAC-SHA256 and
/// AES-256-CBC under a passphrase (the CA connector's configuration-encryption key). The iteration count travels
/// inside the blob, so raising it later still reads old keys.
/// </summary>
public sealed class CaKeyProtection
{
    /// <summary>The same work factor as the issuer-config encryption (OWASP 2023 for PBKDF2-HMAC-SHA256).</summary>
    public const int DefaultIterations = 600_000;

    private readonly string _passphrase;
    private readonly PbeParameters _parameters;

    public CaKeyProtection(string passphrase, int iterations = DefaultIterations)
    {
        ArgumentException.ThrowIfNullOrEmpty(passphrase);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        _passphrase = passphrase;
        _parameters = new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, iterations);
    }

    internal byte[] Protect(AsymmetricAlgorithm key) => key.ExportEncryptedPkcs8PrivateKey(_passphrase, _parameters);

    /// <exception cref="CertificateAuthorityException">The blob is not an encrypted key of this type under this passphrase.</exception>
    internal void Unprotect(ReadOnlySpan<byte> encrypted, AsymmetricAlgorithm into)
    {
        try
        {
            into.ImportEncryptedPkcs8PrivateKey(_passphrase, encrypted, out var read);
            if (read != encrypted.Length)
            {
                throw new CertificateAuthorityException("The stored CA private key has trailing bytes.");
            }
        }
        catch (CryptographicException ex)
        {
            throw new CertificateAuthorityException("The stored CA private key cannot be decrypted (wrong passphrase, or damaged).", ex);
        }
    }
}
