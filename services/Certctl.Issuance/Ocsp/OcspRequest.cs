using System.Formats.Asn1;

namespace Certctl.Issuance;

/// <summary>A parsed RFC 6960 OCSPRequest: the CertIDs asked about and the nonce extension, if any. Signed requests are read but not verified.</summary>
public sealed record OcspRequest(IReadOnlyList<OcspCertId> CertIds, byte[]? NonceExtensionValue)
{
    /// <summary>id-pkix-ocsp-nonce (RFC 8954).</summary>
    public const string NonceOid = "1.3.6.1.5.5.7.48.1.2";

    /// <summary>Largest request read; real ones are a few hundred bytes.</summary>
    public const int MaxLength = 16 * 1024;

    /// <summary>Most CertIDs answered in one request (RFC 5019 clients send one).</summary>
    public const int MaxCertIds = 16;

    /// <summary>RFC 8954 §2.1: a nonce is 1 to 32 octets.</summary>
    public const int MaxNonceLength = 32;

    /// <summary>Parses DER; false for anything that is not a well-formed request within the limits above (answer <c>malformedRequest</c>).</summary>
    public static bool TryParse(ReadOnlyMemory<byte> der, out OcspRequest? request)
    {
        request = null;
        if (der.Length == 0 || der.Length > MaxLength)
        {
            return false;
        }

        try
        {
            var outer = new AsnReader(der, AsnEncodingRules.DER);
            var ocspRequest = outer.ReadSequence();
            outer.ThrowIfNotEmpty();
            var tbs = ocspRequest.ReadSequence();
            if (ocspRequest.HasData)
            {
                // optionalSignature [0]: accepted and ignored, as nothing here needs an authenticated requester.
                ocspRequest.ReadEncodedValue();
                ocspRequest.ThrowIfNotEmpty();
            }

            var version = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
            if (tbs.PeekTag().HasSameClassAndValue(version))
            {
                var explicitVersion = tbs.ReadSequence(version);
                if (explicitVersion.ReadInteger() != 0)
                {
                    return false;
                }
            }

            if (tbs.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 1)))
            {
                tbs.ReadEncodedValue(); // requestorName
            }

            var certIds = new List<OcspCertId>();
            var requestList = tbs.ReadSequence();
            while (requestList.HasData)
            {
                var single = requestList.ReadSequence();
                certIds.Add(ReadCertId(single));
                if (single.HasData)
                {
                    single.ReadEncodedValue(); // singleRequestExtensions: none understood, none critical to us
                    single.ThrowIfNotEmpty();
                }
            }

            byte[]? nonce = null;
            var extensionsTag = new Asn1Tag(TagClass.ContextSpecific, 2, isConstructed: true);
            if (tbs.HasData && tbs.PeekTag().HasSameClassAndValue(extensionsTag))
            {
                nonce = ReadNonce(tbs.ReadSequence(extensionsTag).ReadSequence());
            }

            tbs.ThrowIfNotEmpty();
            if (certIds.Count is 0 or > MaxCertIds)
            {
                return false;
            }

            request = new OcspRequest(certIds, nonce);
            return true;
        }
        catch (Exception ex) when (ex is AsnContentException or FormatException or InvalidOperationException or ArgumentException)
        {
            return false;
        }
    }

    private static OcspCertId ReadCertId(AsnReader single)
    {
        var der = single.PeekEncodedValue().ToArray();
        var certId = single.ReadSequence();
        var algorithm = certId.ReadSequence();
        var oid = algorithm.ReadObjectIdentifier();
        if (algorithm.HasData)
        {
            algorithm.ReadNull();
        }

        algorithm.ThrowIfNotEmpty();
        var nameHash = certId.ReadOctetString();
        var keyHash = certId.ReadOctetString();
        var serial = certId.ReadIntegerBytes();
        certId.ThrowIfNotEmpty();
        return new OcspCertId(oid, nameHash, keyHash, CertificateSerialNumber.ToHex(serial.Span), der);
    }

    /// <exception cref="FormatException">The nonce extension is empty, too long, or not an OCTET STRING.</exception>
    private static byte[]? ReadNonce(AsnReader extensions)
    {
        byte[]? nonce = null;
        while (extensions.HasData)
        {
            var extension = extensions.ReadSequence();
            var oid = extension.ReadObjectIdentifier();
            if (extension.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean))
            {
                extension.ReadBoolean();
            }

            var value = extension.ReadOctetString();
            extension.ThrowIfNotEmpty();
            if (oid != NonceOid)
            {
                continue;
            }

            // RFC 8954: extnValue holds an OCTET STRING of 1..32 octets. The whole extnValue is echoed unchanged.
            var inner = new AsnReader(value, AsnEncodingRules.DER);
            var octets = inner.ReadOctetString();
            inner.ThrowIfNotEmpty();
            if (octets.Length is 0 or > MaxNonceLength)
            {
                throw new FormatException("The OCSP nonce must be 1 to 32 octets.");
            }

            nonce = value;
        }

        return nonce;
    }
}
