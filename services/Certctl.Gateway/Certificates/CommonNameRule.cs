using System.Net;
using System.Net.Mail;

namespace Certctl.Gateway.Certificates;

/// <summary>The common-name rule of the original: an e-mail address (S/MIME), an IP literal, or a (wildcard) host name.</summary>
public static class CommonNameRule
{
    /// <summary>Longest accepted common name (a DNS name's limit).</summary>
    public const int MaxLength = 253;

    /// <summary>Why <paramref name="commonName"/> is not acceptable, or null when it is.</summary>
    public static string? Check(string? commonName)
    {
        if (string.IsNullOrWhiteSpace(commonName))
        {
            return "is required";
        }

        if (commonName.Length > MaxLength)
        {
            return $"must be at most {MaxLength} characters";
        }

        if (commonName.Contains('@'))
        {
            return MailAddress.TryCreate(commonName, out var address) && address.Address == commonName
                ? null
                : "must be a valid e-mail address when it contains '@'";
        }

        if (IPAddress.TryParse(commonName, out _) && commonName.IndexOfAny([':', '.']) >= 0)
        {
            return null;
        }

        foreach (var label in commonName.Split('.'))
        {
            if (label.Length == 0)
            {
                return "must not contain empty labels";
            }

            if (label[0] == '-' || label[^1] == '-')
            {
                return "labels must not start or end with '-'";
            }

            if (!label.All(IsHostCharacter))
            {
                return "may contain only letters, digits, '.', '-', '_' and '*'";
            }
        }

        return null;
    }

    private static bool IsHostCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '*';
}
