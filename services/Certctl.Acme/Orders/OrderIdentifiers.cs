using System.Net;
using System.Net.Sockets;
using Certctl.Acme.Problems;
using Certctl.Acme.Protocol;
using Certctl.Issuance;

namespace Certctl.Acme.Orders;

/// <summary>
/// The new-order identifier rules: <c>dns</c> names in the certificate name syntax (lower-cased A-labels, a wildcard only as the whole
/// leftmost label, so <c>*.*.example.com</c> is refused), <c>ip</c> addresses (RFC 8738) in canonical form and never wildcard, each
/// matching the profile's name patterns, no duplicates. Every refused identifier is one subproblem of a <c>rejectedIdentifier</c>
/// problem (or <c>unsupportedIdentifier</c> when only the type is unknown), so the client learns all of them at once.
/// </summary>
public static class OrderIdentifiers
{
    /// <summary>The identifiers normalised, in request order without duplicates; or the problem that refuses the order.</summary>
    public static (IReadOnlyList<AcmeIdentifier>? Identifiers, AcmeProblem? Problem) Check(
        IReadOnlyList<AcmeIdentifier?>? requested, AcmeProfilePolicy profile, int maxIdentifiers)
    {
        if (requested is null || requested.Count == 0)
        {
            return (null, new AcmeProblem(AcmeProblemTypes.Malformed, "The order names no identifiers.", StatusCodes.Status400BadRequest));
        }

        if (requested.Count > maxIdentifiers)
        {
            return (null, new AcmeProblem(AcmeProblemTypes.RejectedIdentifier,
                $"An order may name at most {maxIdentifiers} identifiers; this one names {requested.Count}.", StatusCodes.Status400BadRequest));
        }

        var accepted = new List<AcmeIdentifier>(requested.Count);
        var seen = new HashSet<AcmeIdentifier>();
        var problems = new List<AcmeProblem>();
        foreach (var identifier in requested)
        {
            var (normalized, problem) = CheckOne(identifier, profile);
            if (problem is not null)
            {
                problems.Add(problem);
            }
            else if (seen.Add(normalized!))
            {
                accepted.Add(normalized!);
            }
        }

        if (problems.Count == 0)
        {
            return (accepted, null);
        }

        var onlyTypes = problems.All(problem => problem.Type == AcmeProblemTypes.UnsupportedIdentifier);
        var top = new AcmeProblem(
            onlyTypes ? AcmeProblemTypes.UnsupportedIdentifier : AcmeProblemTypes.RejectedIdentifier,
            problems.Count == 1 ? problems[0].Detail : $"{problems.Count} identifiers were refused; see the subproblems.",
            StatusCodes.Status400BadRequest)
        {
            Subproblems = problems,
        };
        return (null, top);
    }

    private static (AcmeIdentifier? Identifier, AcmeProblem? Problem) CheckOne(AcmeIdentifier? identifier, AcmeProfilePolicy profile)
    {
        if (identifier is null || string.IsNullOrWhiteSpace(identifier.Type) || string.IsNullOrWhiteSpace(identifier.Value))
        {
            return (null, Refuse(AcmeProblemTypes.Malformed, "An identifier needs a type and a value.", identifier));
        }

        var normalized = identifier.Type.ToLowerInvariant() switch
        {
            "dns" => Dns(identifier),
            "ip" => Ip(identifier),
            _ => (null, Refuse(AcmeProblemTypes.UnsupportedIdentifier,
                $"Identifier type '{identifier.Type}' is not supported; use 'dns' or 'ip'.", identifier)),
        };
        if (normalized.Item1 is { } name && profile.RequiredNamePatterns.Count > 0
            && !profile.RequiredNamePatterns.Any(pattern => Matches(pattern, name.Value)))
        {
            return (null, Refuse(AcmeProblemTypes.RejectedIdentifier,
                $"'{name.Value}' is not allowed by certificate profile '{profile.ProfileId}'.", identifier));
        }

        return normalized;
    }

    private static (AcmeIdentifier?, AcmeProblem?) Dns(AcmeIdentifier identifier)
    {
        var value = identifier.Value.Trim();
        if (NameLooksLikeAddressOrOther(value))
        {
            return (null, Refuse(AcmeProblemTypes.RejectedIdentifier,
                $"'{identifier.Value}' is not a DNS name (IP addresses use the 'ip' identifier type).", identifier));
        }

        try
        {
            var names = CertificateNames.Normalize(null, [value]);
            return names.DnsNames.Count == 1
                ? (new AcmeIdentifier("dns", names.DnsNames[0]), null)
                : (null, Refuse(AcmeProblemTypes.RejectedIdentifier, $"'{identifier.Value}' is not a DNS name.", identifier));
        }
        catch (InvalidNameException ex)
        {
            return (null, Refuse(AcmeProblemTypes.RejectedIdentifier, ex.Message, identifier));
        }
    }

    private static (AcmeIdentifier?, AcmeProblem?) Ip(AcmeIdentifier identifier)
    {
        var value = identifier.Value.Trim();
        // RFC 8738 §3: the textual form of RFC 791/RFC 5952; a zone id or a CIDR suffix is not an address.
        if (value.Contains('%', StringComparison.Ordinal) || value.Contains('/', StringComparison.Ordinal)
            || !IPAddress.TryParse(value, out var address)
            || address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
            || (address.AddressFamily == AddressFamily.InterNetwork && value.Count(c => c == '.') != 3))
        {
            return (null, Refuse(AcmeProblemTypes.RejectedIdentifier, $"'{identifier.Value}' is not an IPv4 or IPv6 address.", identifier));
        }

        return (new AcmeIdentifier("ip", address.ToString()), null);
    }

    private static bool NameLooksLikeAddressOrOther(string value) =>
        value.AsSpan().IndexOfAny(":/@ ") >= 0 || value.AsSpan().IndexOfAnyExcept("0123456789.") < 0;

    private static bool Matches(System.Text.RegularExpressions.Regex pattern, string value)
    {
        try
        {
            return pattern.IsMatch(value);
        }
        catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
        {
            return false;
        }
    }

    private static AcmeProblem Refuse(string type, string detail, AcmeIdentifier? identifier) =>
        new(type, detail, StatusCodes.Status400BadRequest) { Identifier = identifier };
}
