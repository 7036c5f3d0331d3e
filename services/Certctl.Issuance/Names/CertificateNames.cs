using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Certctl.Issuance;

/// <summary>
/// A certificate's validated names: the subject common name and the subject alternative names, de-duplicated and in
/// a fixed order (DNS names, then IP addresses, then e-mail addresses, then URIs; each sorted), so the same request
/// always produces the same extension bytes.
/// </summary>
public sealed record CertificateNames
{
    /// <summary>RFC 5280's upper bound for a common name (ub-common-name).</summary>
    public const int MaxCommonNameLength = 64;

    /// <summary>More names than this in one certificate is a mistake or an abuse, never a need.</summary>
    public const int MaxSubjectAlternativeNames = 100;

    private CertificateNames(string? commonName, List<string> dns, List<IPAddress> ips, List<string> emails, List<Uri> uris)
    {
        CommonName = commonName;
        DnsNames = dns;
        IpAddresses = ips;
        EmailAddresses = emails;
        Uris = uris;
    }

    /// <summary>The subject CN, or null for an empty subject (the SAN extension is then critical, RFC 5280 §4.2.1.6).</summary>
    public string? CommonName { get; }

    /// <summary>Lower-case ASCII DNS names (A-labels), a wildcard only as the whole leftmost label.</summary>
    public IReadOnlyList<string> DnsNames { get; }

    /// <summary>IPv4 addresses first, then IPv6, each in numeric order.</summary>
    public IReadOnlyList<IPAddress> IpAddresses { get; }

    /// <summary>E-mail addresses with lower-case domains.</summary>
    public IReadOnlyList<string> EmailAddresses { get; }

    /// <summary>Absolute URIs (a SAN with "://" or starting "urn:"), e.g. SPIFFE ids.</summary>
    public IReadOnlyList<Uri> Uris { get; }

    /// <summary>Every subject alternative name as text, in extension order.</summary>
    public IEnumerable<string> SubjectAlternativeNames =>
        DnsNames.Concat(IpAddresses.Select(ip => ip.ToString())).Concat(EmailAddresses).Concat(Uris.Select(uri => uri.AbsoluteUri));

    /// <summary>
    /// Validates and orders the names of a request. A common name that is a DNS name (it has a dot, or is
    /// <c>localhost</c>), an IP address or an e-mail address is normalised and kept in the SANs as well; any other
    /// common name (a display name such as "Payments Service") stays in the subject only.
    /// </summary>
    /// <exception cref="InvalidNameException">A name is malformed or unsafe, there are too many, or there are none at all.</exception>
    public static CertificateNames Normalize(string? commonName, IEnumerable<string> subjectAlternativeNames)
    {
        var dns = new SortedSet<string>(StringComparer.Ordinal);
        var ips = new SortedSet<IPAddress>(IpAddressOrder.Instance);
        var emails = new SortedSet<string>(StringComparer.Ordinal);
        var uris = new SortedDictionary<string, Uri>(StringComparer.Ordinal);

        var cn = NormalizeCommonName(commonName, dns, ips, emails);
        foreach (var raw in subjectAlternativeNames)
        {
            AddSan(raw, dns, ips, emails, uris);
        }

        var count = dns.Count + ips.Count + emails.Count + uris.Count;
        if (count == 0)
        {
            throw new InvalidNameException("A certificate needs at least one subject alternative name (DNS name, IP address, e-mail address or URI).");
        }

        if (count > MaxSubjectAlternativeNames)
        {
            throw new InvalidNameException($"{count} subject alternative names is more than the {MaxSubjectAlternativeNames} allowed.");
        }

        return new CertificateNames(cn, [.. dns], [.. ips], [.. emails], [.. uris.Values]);
    }

    internal X500DistinguishedName ToSubjectName()
    {
        var builder = new X500DistinguishedNameBuilder();
        if (CommonName is not null)
        {
            builder.AddCommonName(CommonName);
        }

        return builder.Build();
    }

    internal X509Extension ToSubjectAlternativeNameExtension()
    {
        var builder = new SubjectAlternativeNameBuilder();
        foreach (var name in DnsNames)
        {
            builder.AddDnsName(name);
        }

        foreach (var ip in IpAddresses)
        {
            builder.AddIpAddress(ip);
        }

        foreach (var email in EmailAddresses)
        {
            builder.AddEmailAddress(email);
        }

        foreach (var uri in Uris)
        {
            builder.AddUri(uri);
        }

        return builder.Build(critical: CommonName is null);
    }

    private static string? NormalizeCommonName(string? raw, SortedSet<string> dns, SortedSet<IPAddress> ips, SortedSet<string> emails)
    {
        var value = raw?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (value.Length > MaxCommonNameLength)
        {
            throw new InvalidNameException($"The common name is {value.Length} characters; at most {MaxCommonNameLength} are allowed.");
        }

        if (NameSyntax.FindUnsafeCharacter(value) is { } unsafeAt)
        {
            throw new InvalidNameException($"The common name contains a control, format or unassigned character at position {unsafeAt}.");
        }

        if (NameSyntax.LooksLikeIpAddress(value))
        {
            var ip = NameSyntax.ParseIpAddress(value);
            ips.Add(ip);
            return ip.ToString();
        }

        if (value.Contains('@', StringComparison.Ordinal))
        {
            var email = NameSyntax.NormalizeEmail(value);
            emails.Add(email);
            return email;
        }

        if (value.Contains('.', StringComparison.Ordinal) || value.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            var name = NameSyntax.NormalizeDnsName(value);
            dns.Add(name);
            return name;
        }

        return value;
    }

    private static void AddSan(string? raw, SortedSet<string> dns, SortedSet<IPAddress> ips, SortedSet<string> emails, SortedDictionary<string, Uri> uris)
    {
        var value = raw?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            throw new InvalidNameException("A subject alternative name is empty.");
        }

        if (value.Contains("://", StringComparison.Ordinal) || value.StartsWith("urn:", StringComparison.OrdinalIgnoreCase))
        {
            var uri = NameSyntax.ParseUri(value);
            uris.TryAdd(uri.AbsoluteUri, uri);
        }
        else if (NameSyntax.LooksLikeIpAddress(value))
        {
            ips.Add(NameSyntax.ParseIpAddress(value));
        }
        else if (value.Contains('@', StringComparison.Ordinal))
        {
            emails.Add(NameSyntax.NormalizeEmail(value));
        }
        else
        {
            dns.Add(NameSyntax.NormalizeDnsName(value));
        }
    }

    private sealed class IpAddressOrder : IComparer<IPAddress>
    {
        public static readonly IpAddressOrder Instance = new();

        public int Compare(IPAddress? x, IPAddress? y)
        {
            var family = (x!.AddressFamily == AddressFamily.InterNetwork ? 0 : 1) - (y!.AddressFamily == AddressFamily.InterNetwork ? 0 : 1);
            return family != 0 ? family : x.GetAddressBytes().AsSpan().SequenceCompareTo(y.GetAddressBytes());
        }
    }
}
