using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Certctl.Issuance;

/// <summary>Extensions .NET has no type for.</summary>
internal static class LeafExtensions
{
    /// <summary>RFC 7633 TLS feature extension (id-pe-tlsfeature).</summary>
    public const string TlsFeatureOid = "1.3.6.1.5.5.7.1.24";

    /// <summary>The TLS extension number of status_request (RFC 6066), the only feature must-staple asserts.</summary>
    public const int StatusRequest = 5;

    /// <summary>OCSP must-staple: <c>SEQUENCE { INTEGER 5 }</c>. Non-critical, as RFC 7633 advises, so clients that do not know it still work.</summary>
    public static X509Extension MustStaple()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(StatusRequest);
        }

        return new X509Extension(new Oid(TlsFeatureOid, "TLS Feature"), writer.Encode(), critical: false);
    }
}
