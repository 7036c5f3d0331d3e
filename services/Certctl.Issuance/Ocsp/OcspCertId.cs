using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Certctl.Issuance;

/// <summary>
/// One CertID of an OCSP request (RFC 6960 §4.1.1): which issuer (hashes of its name and key under the named algorithm) and which serial.
/// <see cref="Der"/> is the CertID exactly as the client sent it, echoed in the answer so the client matches it byte for byte.
/// </summary>
public sealed record OcspCertId(string HashAlgorithmOid, byte[] IssuerNameHash, byte[] IssuerKeyHash, string SerialHex, byte[] Der)
{
    private const string Sha1 = "1.3.14.3.2.26";
    private const string Sha256 = "2.16.840.1.101.3.4.2.1";
    private const string Sha384 = "2.16.840.1.101.3.4.2.2";
    private const string Sha512 = "2.16.840.1.101.3.4.2.3";

    /// <summary>True when the hashes name <paramref name="issuer"/> (its subject DER and its public key bits).</summary>
    public bool NamesIssuer(X509Certificate2 issuer)
    {
        Func<byte[], byte[]>? hash = HashAlgorithmOid switch
        {
            Sha1 => SHA1.HashData,
            Sha256 => SHA256.HashData,
            Sha384 => SHA384.HashData,
            Sha512 => SHA512.HashData,
            _ => null,
        };
        return hash is not null
            && CryptographicOperations.FixedTimeEquals(hash(issuer.SubjectName.RawData), IssuerNameHash)
            && CryptographicOperations.FixedTimeEquals(hash(issuer.PublicKey.EncodedKeyValue.RawData), IssuerKeyHash);
    }
}
