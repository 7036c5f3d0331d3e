using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.Extensions.Configuration;

namespace Certctl.Acme.Validation;

/// <summary>How the challenge validators reach the network, bound from <c>CERTCTL_ACME_SERVER_*</c> and validated on start.</summary>
public sealed class AcmeValidationOptions : IValidatableObject
{
    /// <summary>The port http-01 connects to (RFC 8555 says 80; tests and lab setups point it at a local server).</summary>
    [ConfigurationKeyName("CERTCTL_ACME_SERVER_HTTP01_PORT")]
    [Range(1, 65535)]
    public int Http01Port { get; set; } = 80;

    /// <summary>The port tls-alpn-01 connects to, and the only port an http-01 redirect to https may name (RFC 8737 says 443).</summary>
    [ConfigurationKeyName("CERTCTL_ACME_SERVER_TLSALPN01_PORT")]
    [Range(1, 65535)]
    public int TlsAlpn01Port { get; set; } = 443;

    /// <summary>
    /// <c>host:port</c> (or an IP address, port 53) of the DNS server every validation asks: dns-01's TXT records and the A/AAAA
    /// records http-01 and tls-alpn-01 connect to. Empty: the machine's resolver.
    /// </summary>
    [ConfigurationKeyName("CERTCTL_ACME_SERVER_DNS_RESOLVER")]
    public string? DnsResolver { get; set; }

    /// <summary>Longest one TCP connect may take.</summary>
    [ConfigurationKeyName("CERTCTL_ACME_SERVER_VALIDATION_CONNECT_TIMEOUT_SECONDS")]
    [Range(1, 60)]
    public int ConnectTimeoutSeconds { get; set; } = 5;

    /// <summary>Longest one validation may take from its first lookup to its verdict (redirects included).</summary>
    [ConfigurationKeyName("CERTCTL_ACME_SERVER_VALIDATION_TIMEOUT_SECONDS")]
    [Range(1, 300)]
    public int TimeoutSeconds { get; set; } = 30;

    public TimeSpan ConnectTimeout => TimeSpan.FromSeconds(ConnectTimeoutSeconds);

    public TimeSpan Timeout => TimeSpan.FromSeconds(TimeoutSeconds);

    /// <summary>The configured resolver as an endpoint; null for the machine's resolver.</summary>
    public IPEndPoint? DnsResolverEndPoint =>
        string.IsNullOrWhiteSpace(DnsResolver)
            ? null
            : IPEndPoint.TryParse(DnsResolver.Trim(), out var endPoint)
                ? endPoint.Port == 0 ? new IPEndPoint(endPoint.Address, 53) : endPoint
                : throw new InvalidOperationException($"CERTCTL_ACME_SERVER_DNS_RESOLVER '{DnsResolver}' is not an IP address with an optional port.");

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(DnsResolver) && !IPEndPoint.TryParse(DnsResolver.Trim(), out _))
        {
            yield return new ValidationResult(
                $"CERTCTL_ACME_SERVER_DNS_RESOLVER '{DnsResolver}' is not an IP address with an optional port (e.g. 10.0.0.53:53 or [fd00::53]:53).",
                [nameof(DnsResolver)]);
        }

        if (ConnectTimeoutSeconds > TimeoutSeconds)
        {
            yield return new ValidationResult(
                "CERTCTL_ACME_SERVER_VALIDATION_CONNECT_TIMEOUT_SECONDS cannot exceed CERTCTL_ACME_SERVER_VALIDATION_TIMEOUT_SECONDS.",
                [nameof(ConnectTimeoutSeconds)]);
        }
    }
}
