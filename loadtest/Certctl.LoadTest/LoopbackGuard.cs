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

        return HostRefusal(baseUrl.IdnHost, baseUrl.Host, resolve);
    }

    /// <summary>Why <paramref name="host"/> (a name or an address literal) may not be reached, or null when it resolves to loopback only.</summary>
    public static string? HostRefusal(string host, Func<string, IPAddress[]> resolve) => HostRefusal(host, host, resolve);

    /// <summary>Checks <paramref name="baseUrl"/> with the system resolver.</summary>
    public static string? Refusal(Uri baseUrl) => Refusal(baseUrl, Dns.GetHostAddresses);

    private static string? HostRefusal(string host, string shownAs, Func<string, IPAddress[]> resolve)
    {
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(host, out var literal) ? [literal] : resolve(host);
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or ArgumentException)
        {
            return $"cannot resolve '{shownAs}': {ex.Message}";
        }

        if (addresses.Length == 0)
        {
            return $"'{shownAs}' resolves to no address.";
        }

        var outside = addresses.Where(a => !IsLoopback(a)).ToList();
        return outside.Count == 0
            ? null
            : $"'{shownAs}' resolves to {string.Join(", ", outside)}, which is not loopback (127.0.0.0/8 or ::1); the driver only talks to this machine.";
    }
}
