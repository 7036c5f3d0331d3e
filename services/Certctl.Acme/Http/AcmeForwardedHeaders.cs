using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Certctl.Acme.Http;

/// <summary>
/// Believes <c>X-Forwarded-Proto</c>/<c>-Host</c>/<c>-For</c> only from the gateway: loopback, plus the addresses and networks in
/// <c>CERTCTL_ACME_SERVER_TRUSTED_PROXIES</c>. From anyone else they are ignored, so a client talking to the service directly
/// cannot make it mint URLs (kid, Location, directory) for a host of its choosing.
/// </summary>
public static class AcmeForwardedHeaders
{
    public static void Configure(ForwardedHeadersOptions options, string? trustedProxies)
    {
        options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
        // One hop: the gateway replaces (never appends) these headers, so only its own values arrive.
        options.ForwardLimit = 1;
        foreach (var entry in (trustedProxies ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (entry.Contains('/', StringComparison.Ordinal))
            {
                options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(entry));
            }
            else
            {
                options.KnownProxies.Add(IPAddress.Parse(entry));
            }
        }
    }

    /// <summary>Why <paramref name="trustedProxies"/> cannot be read, or null.</summary>
    public static string? Problem(string? trustedProxies)
    {
        foreach (var entry in (trustedProxies ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var valid = entry.Contains('/', StringComparison.Ordinal) ? System.Net.IPNetwork.TryParse(entry, out _) : IPAddress.TryParse(entry, out _);
            if (!valid)
            {
                return $"CERTCTL_ACME_SERVER_TRUSTED_PROXIES: '{entry}' is not an IP address or CIDR network.";
            }
        }

        return null;
    }
}
