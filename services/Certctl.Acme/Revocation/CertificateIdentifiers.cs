using System.Security.Cryptography.X509Certificates;
using Certctl.Acme.Protocol;

namespace Certctl.Acme.Revocation;

/// <summary>
/// The identifiers a certificate names, as authorizations hold them (RFC 8555 §7.6): its subjectAltName DNS names (lower-cased, a
/// wildcard as its base domain with <c>wildcard</c> set) and IP addresses (canonical form).
/// </summary>
public static class CertificateIdentifiers
{
    /// <summary>Empty when the certificate has no subjectAltName: then no authorization can stand for it.</summary>
    public static IReadOnlyList<(AcmeIdentifier Identifier, bool Wildcard)> Of(X509Certificate2 certificate)
    {
        var names = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        if (names is null)
        {
            return [];
        }

        var identifiers = new List<(AcmeIdentifier, bool)>();
        foreach (var name in names.EnumerateDnsNames())
        {
            var value = name.TrimEnd('.').ToLowerInvariant();
            var wildcard = value.StartsWith("*.", StringComparison.Ordinal);
            identifiers.Add((new AcmeIdentifier("dns", wildcard ? value[2..] : value), wildcard));
        }

        identifiers.AddRange(names.EnumerateIPAddresses().Select(address => (new AcmeIdentifier("ip", address.ToString()), false)));
        return [.. identifiers.Distinct()];
    }
}
