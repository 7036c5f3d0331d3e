using System.Security.Cryptography;

namespace Certctl.Issuance;

/// <summary>
/// A leaf issued in server key mode with its private key as unencrypted PKCS#8 DER. Encrypt the key before it is
/// stored (<c>certificate_versions.encrypted_private_key</c>) and dispose of this to wipe the clear copy.
/// </summary>
public sealed class ServerKeyIssuance(IssuedCertificate certificate, byte[] privateKeyPkcs8) : IDisposable
{
    public IssuedCertificate Certificate { get; } = certificate;

    /// <summary>The private key as PKCS#8 PrivateKeyInfo DER; all zeros once disposed.</summary>
    public byte[] PrivateKeyPkcs8 { get; } = privateKeyPkcs8;

    public void Dispose() => CryptographicOperations.ZeroMemory(PrivateKeyPkcs8);
}
