using System.Net;
using System.Net.Sockets;

namespace Certctl.LoadTest.Tests;

public class LoopbackGuardTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.10.20.30")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    public void Loopback_addresses_pass(string address)
    {
        Assert.True(LoopbackGuard.IsLoopback(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("10.0.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("128.0.0.1")]
    [InlineData("::")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("fe80::1")]
    public void Other_addresses_do_not(string address)
    {
        Assert.False(LoopbackGuard.IsLoopback(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/")]
    [InlineData("http://[::1]:8080/")]
    [InlineData("https://127.0.0.2/")]
    public void Literal_loopback_urls_are_allowed_without_resolving(string url)
    {
        Assert.Null(LoopbackGuard.Refusal(new Uri(url), _ => throw new InvalidOperationException("must not resolve")));
    }

    [Fact]
    public void A_name_is_allowed_only_when_every_address_it_resolves_to_is_loopback()
    {
        var url = new Uri("http://localhost:8080/");

        Assert.Null(LoopbackGuard.Refusal(url, _ => [IPAddress.Loopback, IPAddress.IPv6Loopback]));
        Assert.NotNull(LoopbackGuard.Refusal(url, _ => [IPAddress.Loopback, IPAddress.Parse("192.168.1.5")]));
        Assert.NotNull(LoopbackGuard.Refusal(url, _ => []));
    }

    [Fact]
    public void Unresolvable_names_and_remote_literals_and_other_schemes_are_refused()
    {
        Assert.NotNull(LoopbackGuard.Refusal(new Uri("http://nowhere.invalid/"), _ => throw new SocketException((int)SocketError.HostNotFound)));
        Assert.NotNull(LoopbackGuard.Refusal(new Uri("http://10.1.2.3:8080/"), _ => []));
        Assert.NotNull(LoopbackGuard.Refusal(new Uri("ftp://127.0.0.1/"), _ => []));
    }
}
