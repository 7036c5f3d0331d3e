using System.Net;

namespace Certctl.LoadTest;

/// <summary>
/// This machine's rule: load goes only to the machine itself. A base URL passes when its host resolves to
/// 127.0.0.0/8 or ::1 and nothing else; <see cref="LoadClient"/> checks every connection again.
/// </summary>
public static class LoopbackGuard
{
    /// <summary>Whether an address is 127.0.0.0/8 or ::1 (IPv4-mapped forms included).</summary>
    public static bool IsLoopback(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return IPAddress.IsLoopback(address);
    }

    /// <summary>Why <paramref name="baseUrl"/> may not be loaded, or null when it may.</summary>
    public static string? Refusal(Uri baseUrl, Func<string, IPAddress[]> resolve)
    {
        if (!baseUrl.IsAbsoluteUri || (baseUrl.Scheme != Uri.UriSchemeHttp && baseUrl.Scheme != Uri.UriSchemeHttps))
        {
            return $"'{baseUrl}' is not an http(s) URL.";
        }

        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(baseUrl.IdnHost, out var literal) ? [literal] : resolve(baseUrl.IdnHost);
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or ArgumentException)
        {
            return $"cannot resolve '{baseUrl.Host}': {ex.Message}";
        }

        if (addresses.Length == 0)
        {
            return $"'{baseUrl.Host}' resolves to no address.";
        }

        var outside = addresses.Where(a => !IsLoopback(a)).ToList();
        return outside.Count == 0
            ? null
            : $"'{baseUrl.Host}' resolves to {string.Join(", ", outside)}, which is not loopback; this driver only loads 127.0.0.0/8 or ::1.";
    }

    /// <summary>Checks <paramref name="baseUrl"/> with the system resolver.</summary>
    public static string? Refusal(Uri baseUrl) => Refusal(baseUrl, Dns.GetHostAddresses);
}
