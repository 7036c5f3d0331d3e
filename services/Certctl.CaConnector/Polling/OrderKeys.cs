using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Certctl.Secrets;

namespace Certctl.CaConnector.Polling;

/// <summary>The key a parked order's certificate must certify, and the server-made private key to store with it.</summary>
public static class OrderKeys
{
    /// <summary>The SubjectPublicKeyInfo of the server-made key, or of the agent's CSR.</summary>
    /// <exception cref="CryptographicException">The stored key does not decrypt, or the CSR does not parse.</exception>
    public static byte[] SubjectPublicKeyInfo(ParkedOrder order, ConfigurationCipher cipher)
    {
        if (order.EncryptedKey is { } sealedKey)
        {
            var pkcs8 = PrivateKey(order, sealedKey, cipher);
            try
            {
                return PublicKeyOf(pkcs8);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(pkcs8);
            }
        }

        var csr = order.CsrPem ?? throw new CryptographicException($"Job {order.JobId} has neither a server-made key nor a CSR.");
        return CertificateRequest.LoadSigningRequestPem(csr, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.SkipSignatureValidation)
            .PublicKey.ExportSubjectPublicKeyInfo();
    }

    /// <summary>The server-made key as PKCS#8 DER (zero it after use); it was encrypted bound to the job id.</summary>
    public static byte[] PrivateKey(ParkedOrder order, byte[] sealedKey, ConfigurationCipher cipher) => cipher.Decrypt(sealedKey, order.JobId);

    private static byte[] PublicKeyOf(byte[] pkcs8)
    {
        try
        {
            using var ecdsa = ECDsa.Create();
            ecdsa.ImportPkcs8PrivateKey(pkcs8, out _);
            return ecdsa.ExportSubjectPublicKeyInfo();
        }
        catch (CryptographicException)
        {
            using var rsa = RSA.Create();
            rsa.ImportPkcs8PrivateKey(pkcs8, out _);
            return rsa.ExportSubjectPublicKeyInfo();
        }
    }
}
