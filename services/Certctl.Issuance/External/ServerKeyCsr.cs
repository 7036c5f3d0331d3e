using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Certctl.Issuance;

/// <summary>
/// Server key mode for an external CA: a key pair made here and a CSR for it carrying the request's names. The CA signs the
/// CSR; the private key (unencrypted PKCS#8 DER) must be encrypted before it is stored, and disposing wipes the clear copy.
/// </summary>
public sealed class ServerKeyCsr : IDisposable
{
    private ServerKeyCsr(string csrPem, byte[] privateKeyPkcs8, byte[] subjectPublicKeyInfo)
    {
        CsrPem = csrPem;
        PrivateKeyPkcs8 = privateKeyPkcs8;
        SubjectPublicKeyInfo = subjectPublicKeyInfo;
    }

    public string CsrPem { get; }

    /// <summary>The private key as PKCS#8 PrivateKeyInfo DER; all zeros once disposed.</summary>
    public byte[] PrivateKeyPkcs8 { get; }

    /// <summary>The public key's DER SubjectPublicKeyInfo, to check that the CA certified this key and no other.</summary>
    public byte[] SubjectPublicKeyInfo { get; }

    /// <summary>Makes the key and a CSR with the request's common name as subject and its names as subject alternative names.</summary>
    /// <exception cref="DisallowedKeyException">The key type is not one this engine makes, or the profile does not allow it.</exception>
    /// <exception cref="InvalidNameException">A name is invalid, or there are none.</exception>
    public static ServerKeyCsr Create(LeafRequest request, KeySpec key, IssuanceProfile profile)
    {
        if (!KeySpec.Generatable.Contains(key) || !profile.AllowedKeyAlgorithms.Any(rule => rule.Allows(key)))
        {
            throw new DisallowedKeyException($"Server key mode cannot make a {key} key for this profile.");
        }

        var names = CertificateNames.Normalize(request.CommonName, request.SubjectAlternativeNames);
        using var privateKey = SubjectPublicKeys.Generate(key);
        var csr = privateKey switch
        {
            ECDsa ecdsa => new CertificateRequest(names.ToSubjectName(), ecdsa, HashAlgorithmName.SHA256),
            RSA rsa => new CertificateRequest(names.ToSubjectName(), rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            _ => throw new DisallowedKeyException($"Server key mode cannot make a {key} key."),
        };
        csr.CertificateExtensions.Add(names.ToSubjectAlternativeNameExtension());
        return new ServerKeyCsr(csr.CreateSigningRequestPem(), privateKey.ExportPkcs8PrivateKey(), csr.PublicKey.ExportSubjectPublicKeyInfo());
    }

    public void Dispose() => CryptographicOperations.ZeroMemory(PrivateKeyPkcs8);
}
