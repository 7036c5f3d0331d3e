using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Certctl.Issuance;

/// <summary>PEM text the way every part of the suite stores it: LF line ends, one block after another, each ending in a newline.</summary>
internal static class PemText
{
    public static string Certificate(X509Certificate2 certificate) =>
        PemEncoding.WriteString("CERTIFICATE", certificate.RawDataMemory.Span) + "\n";

    public static string Certificates(IEnumerable<X509Certificate2> certificates) =>
        string.Concat(certificates.Select(Certificate));
}
