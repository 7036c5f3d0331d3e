using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Certctl.Issuance;

/// <summary>The syntax rules for each kind of name; every failure is an <see cref="InvalidNameException"/> naming the value.</summary>
internal static class NameSyntax
{
    private const int MaxDnsNameLength = 253;
    private const int MaxLabelLength = 63;
    private const int MaxEmailLocalPartLength = 64;
    private const int MaxUriLength = 2048;

    private static readonly SearchValues<char> LabelCharacters = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-");

    // RFC 5322 atext plus the dot; quoted local parts are not accepted.
    private static readonly SearchValues<char> LocalPartCharacters =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-.");

    /// <summary>IPv6 has colons; an all-digits-and-dots value can only be meant as IPv4 (a DNS name's last label is never numeric).</summary>
    public static bool LooksLikeIpAddress(string value) =>
        value.Contains(':', StringComparison.Ordinal) || value.AsSpan().IndexOfAnyExcept("0123456789.") < 0;

    public static IPAddress ParseIpAddress(string value)
    {
        if (value.Contains(':', StringComparison.Ordinal))
        {
            // No zone ids: "%eth0" means something only on the host that wrote it.
            if (!value.Contains('%', StringComparison.Ordinal) && IPAddress.TryParse(value, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6)
            {
                return v6;
            }
        }
        else if (IsDottedQuad(value) && IPAddress.TryParse(value, out var v4) && v4.AddressFamily == AddressFamily.InterNetwork)
        {
            return v4;
        }

        throw new InvalidNameException($"'{value}' is not an IPv4 address in dotted-quad form or an IPv6 address.");
    }

    public static string NormalizeDnsName(string value)
    {
        if (!Ascii.IsValid(value))
        {
            throw new InvalidNameException($"The DNS name '{value}' is not ASCII; write internationalised names as A-labels (xn--…).");
        }

        var name = value.ToLowerInvariant();
        if (name.EndsWith('.'))
        {
            name = name[..^1];
        }

        if (name.Length is 0 or > MaxDnsNameLength)
        {
            throw new InvalidNameException($"The DNS name '{value}' must be 1 to {MaxDnsNameLength} characters long.");
        }

        var labels = name.Split('.');
        for (var i = 0; i < labels.Length; i++)
        {
            var label = labels[i];
            if (label == "*" && i == 0 && labels.Length > 1)
            {
                continue;
            }

            if (label.Length is 0 or > MaxLabelLength
                || label.AsSpan().ContainsAnyExcept(LabelCharacters)
                || label.StartsWith('-')
                || label.EndsWith('-'))
            {
                throw new InvalidNameException(
                    $"'{value}' is not a valid DNS name: each label is 1 to {MaxLabelLength} letters, digits or inner hyphens, and '*' may only be the whole leftmost label.");
            }
        }

        if (labels[^1].AsSpan().IndexOfAnyExcept("0123456789") < 0)
        {
            throw new InvalidNameException($"'{value}' is not a valid DNS name: the last label cannot be all digits.");
        }

        return name;
    }

    public static string NormalizeEmail(string value)
    {
        var at = value.LastIndexOf('@');
        var local = value[..at];
        var domain = value[(at + 1)..];
        if (local.Length is 0 or > MaxEmailLocalPartLength
            || local.AsSpan().ContainsAnyExcept(LocalPartCharacters)
            || local.StartsWith('.')
            || local.EndsWith('.')
            || local.Contains("..", StringComparison.Ordinal)
            || domain.Contains('*', StringComparison.Ordinal))
        {
            throw new InvalidNameException($"'{value}' is not a valid e-mail address (unquoted ASCII local part, then '@' and a DNS name).");
        }

        // The local part is case-sensitive by the RFC; only the domain is folded.
        return $"{local}@{NormalizeDnsName(domain)}";
    }

    public static Uri ParseUri(string value)
    {
        if (value.Length > MaxUriLength
            || value.AsSpan().ContainsAnyExceptInRange('!', '~')
            || !Uri.TryCreate(value, UriKind.Absolute, out var uri)
            || string.IsNullOrEmpty(uri.Scheme))
        {
            throw new InvalidNameException($"'{value}' is not an absolute URI of printable ASCII.");
        }

        return uri;
    }

    /// <summary>Where the first character is that could hide or reorder text (controls, bidi and zero-width formats, private use, unassigned, lone surrogates).</summary>
    public static int? FindUnsafeCharacter(string value)
    {
        var span = value.AsSpan();
        var index = 0;
        while (index < span.Length)
        {
            if (Rune.DecodeFromUtf16(span[index..], out var rune, out var consumed) != OperationStatus.Done)
            {
                return index;
            }

            switch (Rune.GetUnicodeCategory(rune))
            {
                case UnicodeCategory.Control:
                case UnicodeCategory.Format:
                case UnicodeCategory.PrivateUse:
                case UnicodeCategory.OtherNotAssigned:
                case UnicodeCategory.LineSeparator:
                case UnicodeCategory.ParagraphSeparator:
                case UnicodeCategory.Surrogate:
                    return index;
            }

            index += consumed;
        }

        return null;
    }

    // IPAddress.Parse also takes "10.1", "0x0a.0.0.1" and "010.0.0.1" (octal); a certificate name must mean one thing.
    private static bool IsDottedQuad(string value)
    {
        var parts = value.Split('.');
        return parts.Length == 4 && parts.All(part => part.Length is >= 1 and <= 3 && (part.Length == 1 || part[0] != '0'));
    }
}
