using System.Net;
using System.Net.Sockets;

namespace Certctl.Acme.Validation;

/// <summary>
/// The addresses a validation must not connect to unless the profile allows private addresses: whatever is not a public unicast
/// host on the Internet, so an ACME client cannot make the server probe its own network (SSRF).
/// </summary>
public static class BlockedAddresses
{
    private static readonly (IPAddress Network, int PrefixLength, string Reason)[] Ranges =
    [
        (IPAddress.Parse("0.0.0.0"), 8, "unspecified"),
        (IPAddress.Parse("10.0.0.0"), 8, "private"),
        (IPAddress.Parse("100.64.0.0"), 10, "shared (CGNAT)"),
        (IPAddress.Parse("127.0.0.0"), 8, "loopback"),
        (IPAddress.Parse("169.254.0.0"), 16, "link-local"),
        (IPAddress.Parse("172.16.0.0"), 12, "private"),
        (IPAddress.Parse("192.0.0.0"), 24, "IETF protocol assignments"),
        (IPAddress.Parse("192.168.0.0"), 16, "private"),
        (IPAddress.Parse("198.18.0.0"), 15, "benchmarking"),
        (IPAddress.Parse("224.0.0.0"), 4, "multicast"),
        (IPAddress.Parse("240.0.0.0"), 4, "reserved"),
        (IPAddress.Parse("::"), 128, "unspecified"),
        (IPAddress.Parse("::1"), 128, "loopback"),
        (IPAddress.Parse("::"), 96, "IPv4-compatible (deprecated)"),
        (IPAddress.Parse("64:ff9b:1::"), 48, "local-use NAT64"),
        (IPAddress.Parse("100::"), 64, "discard-only"),
        (IPAddress.Parse("fc00::"), 7, "unique local"),
        (IPAddress.Parse("fe80::"), 10, "link-local"),
        (IPAddress.Parse("fec0::"), 10, "site-local"),
        (IPAddress.Parse("ff00::"), 8, "multicast"),
    ];

    /// <summary>Why <paramref name="address"/> is refused (e.g. <c>loopback</c>), or null for a public unicast address.</summary>
    /// <remarks>IPv4-mapped and NAT64 (64:ff9b::/96) IPv6 forms are judged as the IPv4 address they carry.</remarks>
    public static string? Reason(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        else if (address.AddressFamily == AddressFamily.InterNetworkV6 && InPrefix(address, Nat64, 96))
        {
            address = new IPAddress(address.GetAddressBytes()[12..]);
        }

        // The cloud metadata endpoints are inside blocked ranges already; named so the refusal says what was at stake.
        if (address.Equals(MetadataV4) || address.Equals(MetadataV6))
        {
            return "cloud metadata";
        }

        if (address.Equals(IPAddress.Broadcast))
        {
            return "broadcast";
        }

        foreach (var (network, prefixLength, reason) in Ranges)
        {
            if (network.AddressFamily == address.AddressFamily && InPrefix(address, network, prefixLength))
            {
                return reason;
            }
        }

        return address.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6 ? null : "not an IP address";
    }

    private static readonly IPAddress MetadataV4 = IPAddress.Parse("169.254.169.254");
    private static readonly IPAddress MetadataV6 = IPAddress.Parse("fd00:ec2::254");
    private static readonly IPAddress Nat64 = IPAddress.Parse("64:ff9b::");

    private static bool InPrefix(IPAddress address, IPAddress network, int prefixLength)
    {
        Span<byte> a = stackalloc byte[16];
        Span<byte> n = stackalloc byte[16];
        address.TryWriteBytes(a, out var length);
        network.TryWriteBytes(n, out _);
        var whole = prefixLength / 8;
        if (!a[..whole].SequenceEqual(n[..whole]))
        {
            return false;
        }

        var bits = prefixLength % 8;
        if (bits == 0 || whole >= length)
        {
            return true;
        }

        var mask = (byte)(0xFF << (8 - bits));
        return (a[whole] & mask) == (n[whole] & mask);
    }
}
