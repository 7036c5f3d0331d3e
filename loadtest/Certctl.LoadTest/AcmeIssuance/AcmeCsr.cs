using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Certctl.LoadTest.AcmeIssuance;

/// <summary>The finalize payload: a PKCS#10 request for one DNS name under a fresh P-256 key, as base64url DER (RFC 8555 §7.4).</summary>
public static class AcmeCsr
{
    /// <summary>The <c>{"csr": …}</c> JSON for <paramref name="dnsName"/>; subject CN and the one subjectAltName are the name.</summary>
    public static string FinalizePayload(string dnsName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName("CN=" + dnsName), key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(dnsName);
        request.CertificateExtensions.Add(names.Build());
        return "{\"csr\":\"" + AcmeSigner.B64(request.CreateSigningRequest()) + "\"}";
    }
}
