using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;

namespace Certctl.Domain;

/// <summary>
/// The ACME Renewal Information certificate identifier (RFC 9773 §4.1): base64url of the AKI extension's keyIdentifier, a
/// dot, and base64url of the serial number's DER INTEGER content octets (leading zero octet included), both without padding.
/// The CA connector builds it to ask a CA; the ACME server parses it to answer one.
/// </summary>
/// <remarks>Not the original's base64url(SHA-256(DER)), which no CA recognises.</remarks>
public static class AriCertificateId
{
    /// <summary>The identifier from the raw keyIdentifier and the serial's DER content octets.</summary>
    public static string From(ReadOnlySpan<byte> authorityKeyIdentifier, ReadOnlySpan<byte> serialNumberDer)
    {
        if (authorityKeyIdentifier.IsEmpty || serialNumberDer.IsEmpty)
        {
            throw new ArgumentException("Both the authority key identifier and the serial number are needed.");
        }

        return Base64Url.EncodeToString(authorityKeyIdentifier) + "." + Base64Url.EncodeToString(serialNumberDer);
    }

    /// <summary>
    /// The identifier from what <c>certificate_versions</c> stores: the AKI as hex and the serial in its canonical form
    /// (<see cref="SerialNumberHex"/>); null when the AKI is missing.
    /// </summary>
    public static string? FromStoredHex(string? authorityKeyIdentifierHex, string serialNumberHex)
    {
        if (string.IsNullOrEmpty(authorityKeyIdentifierHex))
        {
            return null;
        }

        return From(Convert.FromHexString(authorityKeyIdentifierHex), SerialNumberDer(serialNumberHex));
    }

    /// <summary>The identifier of <paramref name="certificate"/>; null when it has no AKI keyIdentifier (ARI cannot name it).</summary>
    public static string? Of(X509Certificate2 certificate)
    {
        var keyIdentifier = certificate.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().FirstOrDefault()?.KeyIdentifier;
        return keyIdentifier is { IsEmpty: false } aki ? From(aki.Span, certificate.SerialNumberBytes.Span) : null;
    }

    /// <summary>
    /// Reads an identifier into what <c>certificate_versions</c> stores: the AKI as lower-case hex and the canonical serial hex.
    /// False unless it is exactly two non-empty unpadded base64url halves around one dot, decoding to non-empty octets, with a
    /// serial that is a positive DER INTEGER's content (no sign-only zero octet, no negative value).
    /// </summary>
    public static bool TryParse(string? certificateId, out string authorityKeyIdentifierHex, out string serialNumberHex)
    {
        authorityKeyIdentifierHex = serialNumberHex = "";
        if (string.IsNullOrEmpty(certificateId) || certificateId.Length > 512)
        {
            return false;
        }

        var dot = certificateId.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot == certificateId.Length - 1 || certificateId.IndexOf('.', dot + 1) >= 0)
        {
            return false;
        }

        if (!TryDecode(certificateId.AsSpan(0, dot), out var aki) || !TryDecode(certificateId.AsSpan(dot + 1), out var serial))
        {
            return false;
        }

        // DER INTEGER content: a leading zero octet only before a set top bit, and a clear top bit (serials are positive).
        if ((serial.Length > 1 && serial[0] == 0 && serial[1] < 0x80) || serial[0] >= 0x80)
        {
            return false;
        }

        authorityKeyIdentifierHex = Convert.ToHexStringLower(aki);
        serialNumberHex = SerialNumberHex(serial);
        return true;
    }

    /// <summary>
    /// The canonical text form stored in <c>certificate_versions.serial_number</c> and looked up by OCSP, ARI and revocation:
    /// lower-case hex of the unsigned big-endian value without leading zeros ("0" for zero).
    /// </summary>
    public static string SerialNumberHex(ReadOnlySpan<byte> bigEndian)
    {
        var hex = Convert.ToHexStringLower(bigEndian).TrimStart('0');
        return hex.Length == 0 ? "0" : hex;
    }

    /// <summary>
    /// The DER INTEGER content octets of a non-negative serial written as hex: the minimal big-endian octets, with a leading
    /// zero octet when the top bit is set (else DER would read the value as negative).
    /// </summary>
    public static byte[] SerialNumberDer(string serialNumberHex)
    {
        ArgumentException.ThrowIfNullOrEmpty(serialNumberHex);
        var hex = serialNumberHex.TrimStart('0');
        if (hex.Length == 0)
        {
            return [0];
        }

        if (!hex.All(char.IsAsciiHexDigit))
        {
            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"'{serialNumberHex}' is not a hexadecimal serial number."));
        }

        var magnitude = Convert.FromHexString(hex.Length % 2 == 0 ? hex : "0" + hex);
        return magnitude[0] >= 0x80 ? [0, .. magnitude] : magnitude;
    }

    private static bool TryDecode(ReadOnlySpan<char> base64Url, out byte[] octets)
    {
        octets = [];
        // Padding is refused (RFC 9773 §4.1 strips it); '=' is not in the URL-safe alphabet the decoder checks below.
        if (base64Url.Contains('=') || !Base64Url.IsValid(base64Url, out var length) || length == 0)
        {
            return false;
        }

        octets = new byte[length];
        return Base64Url.TryDecodeFromChars(base64Url, octets, out var written) && written == length;
    }
}
