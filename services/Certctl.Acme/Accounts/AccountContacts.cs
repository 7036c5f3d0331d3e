using System.Net.Mail;
using System.Text.Json;
using Certctl.Acme.Problems;

namespace Certctl.Acme.Accounts;

/// <summary>Reads and checks an account's <c>contact</c> list: <c>mailto:</c> URIs with one plain address each (RFC 8555 §7.3).</summary>
internal static class AccountContacts
{
    private const int MaxContacts = 10;
    private const int MaxLength = 254 + 7;

    /// <summary>The contacts, or null when the member is absent; <paramref name="problem"/> when a value is refused.</summary>
    public static IReadOnlyList<string>? Read(JsonElement payload, out AcmeProblem? problem)
    {
        problem = null;
        if (!payload.TryGetProperty("contact", out var member) || member.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (member.ValueKind != JsonValueKind.Array || member.GetArrayLength() > MaxContacts)
        {
            problem = AcmeProblems.Malformed($"contact must be an array of at most {MaxContacts} URLs");
            return null;
        }

        var contacts = new List<string>();
        foreach (var item in member.EnumerateArray())
        {
            var value = item.ValueKind == JsonValueKind.String ? item.GetString()! : null;
            if (value is null || value.Length > MaxLength)
            {
                problem = new AcmeProblem(AcmeProblemTypes.InvalidContact, "each contact must be a mailto: URL", StatusCodes.Status400BadRequest);
                return null;
            }

            if (!value.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase))
            {
                problem = new AcmeProblem(AcmeProblemTypes.UnsupportedContact, $"only mailto: contacts are supported, not '{value}'", StatusCodes.Status400BadRequest);
                return null;
            }

            var address = value["mailto:".Length..];
            // One plain address: no hfields (?subject=), no lists, nothing MailAddress would rewrite.
            if (address.AsSpan().ContainsAny("?,;<> \t\r\n") || !MailAddress.TryCreate(address, out var parsed) || parsed.Address != address
                || !parsed.Host.Contains('.'))
            {
                problem = new AcmeProblem(AcmeProblemTypes.InvalidContact, $"'{value}' is not a valid mailto: address", StatusCodes.Status400BadRequest);
                return null;
            }

            contacts.Add("mailto:" + address);
        }

        return contacts;
    }
}
