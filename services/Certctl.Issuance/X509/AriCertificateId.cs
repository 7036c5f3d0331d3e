using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;

namespace Certctl.Issuance;

/// <summary>
/// The ACME Renewal Information certificate identifier (RFC 9773 §4.1): base64url of the AKI extension's keyIdentifier, a
/// dot, and base64url of the serial number's DER INTEGER content octets (leading zero octet included), both without padding.
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
    /// (<see cref="CertificateSerialNumber.ToHex"/>, lower-case hex of the unsigned value); null when the AKI is missing.
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
}
