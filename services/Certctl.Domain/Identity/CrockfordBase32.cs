namespace Certctl.Domain;

/// <summary>Crockford's base32 in lower case: no I, L, O or U, so ids survive being read aloud or retyped.</summary>
internal static class CrockfordBase32
{
    public const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";

    /// <summary>Encodes the low <paramref name="destination"/>.Length × 5 bits of <paramref name="value"/>, most significant first.</summary>
    public static void Encode(UInt128 value, Span<char> destination)
    {
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = Alphabet[(int)(value & 31)];
            value >>= 5;
        }
    }

    public static bool TryDecode(ReadOnlySpan<char> text, out UInt128 value)
    {
        value = 0;
        foreach (var c in text)
        {
            var digit = Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (digit < 0)
            {
                return false;
            }

            value = (value << 5) | (uint)digit;
        }

        return true;
    }
}
