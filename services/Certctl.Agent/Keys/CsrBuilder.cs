using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Certctl.Agent.Keys;

/// <summary>Builds the PKCS#10 request the agent submits: subject CN, and SANs where those with "@" are e-mail and the rest DNS.</summary>
public static class CsrBuilder
{
    /// <summary>The CSR PEM for <paramref name="key"/>; an empty common name is refused.</summary>
    public static string Build(ECDsa key, string? commonName, IEnumerable<string>? sans)
    {
        if (string.IsNullOrWhiteSpace(commonName))
        {
            throw new ArgumentException("The certificate has no common name.", nameof(commonName));
        }

        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(commonName);
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);

        var names = (sans ?? []).Where(name => !string.IsNullOrWhiteSpace(name)).Select(name => name.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (names.Count > 0)
        {
            var alternativeNames = new SubjectAlternativeNameBuilder();
            foreach (var name in names)
            {
                if (name.Contains('@', StringComparison.Ordinal))
                {
                    alternativeNames.AddEmailAddress(name);
                }
                else
                {
                    alternativeNames.AddDnsName(name);
                }
            }

            request.CertificateExtensions.Add(alternativeNames.Build());
        }

        return request.CreateSigningRequestPem();
    }
}
