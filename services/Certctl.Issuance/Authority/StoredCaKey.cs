namespace Certctl.Issuance;

/// <summary>A CA as it rests in an <see cref="ICaKeyStore"/>: its certificate, and its private key as encrypted PKCS#8.</summary>
/// <param name="CertificatePem">The CA certificate (PEM).</param>
/// <param name="EncryptedPrivateKey">DER EncryptedPrivateKeyInfo made by <see cref="CaKeyProtection"/>; the store never sees the key in clear.</param>
public sealed record StoredCaKey(string CertificatePem, byte[] EncryptedPrivateKey);
