using System.Security.Cryptography;

namespace Certctl.Issuance;

/// <summary>
/// Certificate serial numbers: 20 octets from the CSPRNG with the top bit cleared, so 159 random bits that always
/// encode as a positive DER INTEGER of at most 20 octets (RFC 5280 §4.1.2.2), never zero. Unpredictable serials
/// are what keep a chosen-prefix collision on the signature from being usable (CA/B Forum BR 7.1 asks for 64 bits).
/// </summary>
public static class CertificateSerialNumber
{
    public const int Length = 20;

    /// <summary>A new serial, big-endian; the first octet may be zero, which DER then drops.</summary>
    public static byte[] NewRandom()
    {
        var serial = new byte[Length];
        do
        {
            RandomNumberGenerator.Fill(serial);
            serial[0] &= 0x7F;
        }
        while (!serial.AsSpan().ContainsAnyExcept((byte)0));

        return serial;
    }

    /// <summary>
    /// The canonical text form stored in <c>certificate_versions.serial_number</c> and looked up by OCSP, ARI and
    /// revocation: lower-case hex of the unsigned value without leading zeros ("0" for zero).
    /// </summary>
    public static string ToHex(ReadOnlySpan<byte> bigEndian) => Domain.AriCertificateId.SerialNumberHex(bigEndian);
}
