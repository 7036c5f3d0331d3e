namespace Certctl.Issuance;

/// <summary>Turns the canonical hex serial (<see cref="CertificateSerialNumber.ToHex"/>) back into the bytes of a positive DER INTEGER.</summary>
internal static class SerialBytes
{
    public static byte[] FromHex(string serialHex)
    {
        var bytes = Convert.FromHexString(serialHex.Length % 2 == 1 ? "0" + serialHex : serialHex);
        // The canonical form drops leading zeros; a first octet with its top bit set needs one back to stay positive.
        return bytes.Length > 0 && bytes[0] >= 0x80 ? [0, .. bytes] : bytes;
    }
}
