using System.Globalization;

namespace Certctl.Domain;

/// <summary>Reads a revocation reason from its wire name or its RFC 5280 code, and gives the code back.</summary>
public static class RevocationReasons
{
    public static int ToCode(this RevocationReason reason) =>
        Enum.IsDefined(reason)
            ? (int)reason
            : throw new ArgumentOutOfRangeException(nameof(reason), reason, "Not a supported RFC 5280 reason.");

    public static bool TryFromCode(int code, out RevocationReason reason)
    {
        reason = (RevocationReason)code;
        if (Enum.IsDefined(reason))
        {
            return true;
        }

        reason = default;
        return false;
    }

    /// <summary>Accepts <c>keyCompromise</c> (any case) or <c>1</c>; rejects 7, 8, 10 and anything else.</summary>
    public static bool TryParse(string? text, out RevocationReason reason)
    {
        if (WireNames<RevocationReason>.TryParse(text, out reason))
        {
            return true;
        }

        // Digits only: no sign, no spaces, so "-0" or " 1" are not quietly read as codes.
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var code))
        {
            return TryFromCode(code, out reason);
        }

        reason = default;
        return false;
    }
}
