using System.Formats.Asn1;
using System.Security.Cryptography;

namespace Certctl.Issuance.Tests;

/// <summary>Reading RFC 6960 OCSP requests: what is accepted, and what makes a request malformed.</summary>
public sealed class OcspRequestTests
{
    private const string Sha1 = "1.3.14.3.2.26";
    private const string Sha256 = "2.16.840.1.101.3.4.2.1";

    [Fact]
    public void A_request_names_the_CA_by_its_hashes_and_gives_the_serial_in_canonical_hex()
    {
        using var ca = TestPki.Root(TestPki.Clock());
        var request = Request([CertId(ca, Sha256, [0x00, 0x8F, 0x01])]);

        Assert.True(OcspRequest.TryParse(request, out var parsed));
        var id = Assert.Single(parsed!.CertIds);
        Assert.Equal("8f01", id.SerialHex);
        Assert.True(id.NamesIssuer(ca.Certificate));
        Assert.Null(parsed.NonceExtensionValue);

        using var other = TestPki.Root(TestPki.Clock());
        Assert.False(id.NamesIssuer(other.Certificate));
    }

    [Fact]
    public void A_nonce_of_one_to_32_octets_is_kept_to_echo_and_any_other_makes_the_request_malformed()
    {
        using var ca = TestPki.Root(TestPki.Clock());
        byte[][] certIds = [CertId(ca, Sha1, [0x01])];

        Assert.True(OcspRequest.TryParse(Request(certIds, Nonce(16)), out var parsed));
        Assert.Equal(Nonce(16), parsed!.NonceExtensionValue);
        Assert.True(OcspRequest.TryParse(Request(certIds, Nonce(32)), out _));
        Assert.False(OcspRequest.TryParse(Request(certIds, Nonce(33)), out _));
        Assert.False(OcspRequest.TryParse(Request(certIds, Nonce(0)), out _));
    }

    [Fact]
    public void Empty_truncated_trailing_bytes_no_CertIDs_or_too_many_are_malformed()
    {
        using var ca = TestPki.Root(TestPki.Clock());
        var good = Request([CertId(ca, Sha1, [0x01])]);

        Assert.False(OcspRequest.TryParse(Array.Empty<byte>(), out _));
        Assert.False(OcspRequest.TryParse(good[..^1], out _));
        byte[] trailing = [.. good, 0x00];
        Assert.False(OcspRequest.TryParse(trailing, out _));
        Assert.False(OcspRequest.TryParse(Request([]), out _));
        Assert.False(OcspRequest.TryParse(Request([.. Enumerable.Repeat(CertId(ca, Sha1, [0x01]), OcspRequest.MaxCertIds + 1)]), out _));
        Assert.False(OcspRequest.TryParse(new byte[OcspRequest.MaxLength + 1], out _));
    }

    private static byte[] CertId(IssuingCa ca, string hashOid, byte[] serial)
    {
        Func<byte[], byte[]> hash = hashOid == Sha1 ? SHA1.HashData : SHA256.HashData;
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(hashOid);
                writer.WriteNull();
            }

            writer.WriteOctetString(hash(ca.Certificate.SubjectName.RawData));
            writer.WriteOctetString(hash(ca.Certificate.PublicKey.EncodedKeyValue.RawData));
            writer.WriteInteger(serial);
        }

        return writer.Encode();
    }

    /// <summary>The extnValue of a nonce extension: an OCTET STRING of <paramref name="length"/> octets.</summary>
    private static byte[] Nonce(int length)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteOctetString(Enumerable.Range(1, length).Select(i => (byte)i).ToArray());
        return writer.Encode();
    }

    private static byte[] Request(byte[][] certIds, byte[]? nonceValue = null)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                foreach (var certId in certIds)
                {
                    using (writer.PushSequence())
                    {
                        writer.WriteEncodedValue(certId);
                    }
                }
            }

            if (nonceValue is not null)
            {
                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 2, isConstructed: true)))
                using (writer.PushSequence())
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(OcspRequest.NonceOid);
                    writer.WriteOctetString(nonceValue);
                }
            }
        }

        return writer.Encode();
    }
}
