using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Certctl.Issuance;

/// <summary>A PKCS#10 CSR, parsed but not yet trusted: its key is inspected before its signature is checked, so an unsupported key gets a precise answer.</summary>
internal sealed class SigningRequest
{
    private const string PemLabel = "CERTIFICATE REQUEST";

    private readonly byte[] _der;

    private SigningRequest(byte[] der, PublicKey publicKey)
    {
        _der = der;
        PublicKey = publicKey;
    }

    public PublicKey PublicKey { get; }

    /// <exception cref="InvalidCsrException">There is no CERTIFICATE REQUEST PEM block, or it is not a PKCS#10 request.</exception>
    public static SigningRequest FromPem(string pem)
    {
        if (string.IsNullOrWhiteSpace(pem) || !PemEncoding.TryFind(pem, out var fields))
        {
            throw new InvalidCsrException("The CSR is not PEM text.");
        }

        var label = pem.AsSpan()[fields.Label];
        if (!label.SequenceEqual(PemLabel))
        {
            throw new InvalidCsrException($"The CSR's PEM block is labelled '{label}', not '{PemLabel}'.");
        }

        var der = new byte[fields.DecodedDataLength];
        if (!Convert.TryFromBase64Chars(pem.AsSpan()[fields.Base64Data], der, out var written) || written != der.Length)
        {
            throw new InvalidCsrException("The CSR's PEM block is not valid base64.");
        }

        return FromDer(der);
    }

    /// <exception cref="InvalidCsrException">The bytes are not exactly one DER PKCS#10 request.</exception>
    public static SigningRequest FromDer(ReadOnlySpan<byte> der)
    {
        try
        {
            var parsed = CertificateRequest.LoadSigningRequest(
                der, HashAlgorithmName.SHA256, out var consumed, CertificateRequestLoadOptions.SkipSignatureValidation);
            if (consumed != der.Length)
            {
                throw new InvalidCsrException("The CSR has bytes after the request.");
            }

            return new SigningRequest(der.ToArray(), parsed.PublicKey);
        }
        catch (CryptographicException ex)
        {
            throw new InvalidCsrException("The CSR is not a well-formed PKCS#10 certification request.", ex);
        }
    }

    /// <summary>Proof that the requester holds the private key: the request's self-signature must verify with its own key.</summary>
    /// <exception cref="InvalidCsrException">It does not (or uses a signature algorithm .NET cannot verify).</exception>
    public void VerifySignature()
    {
        try
        {
            _ = CertificateRequest.LoadSigningRequest(_der, HashAlgorithmName.SHA256, out _, CertificateRequestLoadOptions.Default);
        }
        catch (CryptographicException ex)
        {
            throw new InvalidCsrException("The CSR's signature does not verify with its public key.", ex);
        }
    }
}
