using System.Security.Cryptography;
using Certctl.Issuance;

namespace Certctl.CaConnector.Issuers;

/// <summary>
/// A connector's answer: the certificate, or the order id of a pending order. In server key mode it carries the private key
/// the connector made (unencrypted PKCS#8 DER); disposing wipes it.
/// </summary>
public sealed class IssuerResponse : IDisposable
{
    private IssuerResponse(IssuedCertificate? certificate, string? orderId, byte[]? privateKeyPkcs8)
    {
        Certificate = certificate;
        OrderId = orderId;
        PrivateKeyPkcs8 = privateKeyPkcs8;
    }

    /// <summary>The certificate; null when the order is pending.</summary>
    public IssuedCertificate? Certificate { get; }

    /// <summary>The CA's order id when the order is pending.</summary>
    public string? OrderId { get; }

    /// <summary>The key server key mode made; null in agent key mode.</summary>
    public byte[]? PrivateKeyPkcs8 { get; }

    public static IssuerResponse Issued(IssuedCertificate certificate, byte[]? privateKeyPkcs8) => new(certificate, null, privateKeyPkcs8);

    public static IssuerResponse Pending(string orderId, byte[]? privateKeyPkcs8) => new(null, orderId, privateKeyPkcs8);

    public void Dispose()
    {
        if (PrivateKeyPkcs8 is not null)
        {
            CryptographicOperations.ZeroMemory(PrivateKeyPkcs8);
        }
    }
}
