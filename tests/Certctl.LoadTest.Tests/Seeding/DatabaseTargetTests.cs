using System.Net;
using Certctl.LoadTest.Seeding;

namespace Certctl.LoadTest.Tests.Seeding;

public class DatabaseTargetTests
{
    private static readonly Func<string, IPAddress[]> NoDns = name => throw new InvalidOperationException($"must not resolve {name}");

    [Theory]
    [InlineData("Host=127.0.0.1;Port=5432;Username=postgres;Password=x;Database=certctl")]
    [InlineData("Host=127.0.0.1:5433")]
    [InlineData("Host=::1")]
    [InlineData("Host=[::1]:5433")]
    [InlineData("Host=127.0.0.1,127.0.0.2:5433")]
    [InlineData("Host=/var/run/postgresql")]
    public void Loopback_literals_and_unix_sockets_pass_without_resolving(string connectionString)
    {
        Assert.Null(DatabaseTarget.Refusal(DatabaseTarget.Parse(connectionString), NoDns));
    }

    [Fact]
    public void A_name_passes_only_when_it_resolves_to_loopback_alone()
    {
        var localhost = DatabaseTarget.Parse("Host=localhost;Port=5432");

        Assert.Null(DatabaseTarget.Refusal(localhost, _ => [IPAddress.Loopback, IPAddress.IPv6Loopback]));
        Assert.Contains("not loopback", DatabaseTarget.Refusal(localhost, _ => [IPAddress.Loopback, IPAddress.Parse("10.0.0.5")]), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Host=10.1.2.3;Port=5432")]
    [InlineData("Host=127.0.0.1,10.1.2.3")]
    [InlineData("Host=[2001:db8::1]:5432")]
    [InlineData("Username=postgres;Database=certctl")]
    public void Remote_or_missing_hosts_are_refused(string connectionString)
    {
        Assert.NotNull(DatabaseTarget.Refusal(DatabaseTarget.Parse(connectionString), _ => []));
    }

    [Fact]
    public void A_malformed_connection_string_is_a_usage_error_that_does_not_repeat_it()
    {
        var ex = Assert.Throws<UsageException>(() => DatabaseTarget.Parse("Password=s3cret;NoSuchKeyword=1"));

        Assert.DoesNotContain("s3cret", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_description_names_host_port_and_database_but_never_the_password()
    {
        var text = DatabaseTarget.Describe(DatabaseTarget.Parse("Host=127.0.0.1;Port=6543;Username=postgres;Password=s3cret;Database=certctl"));

        Assert.Equal("database certctl on 127.0.0.1:6543", text);
    }

    [Theory]
    [InlineData("localhost", "localhost")]
    [InlineData("localhost:5433", "localhost")]
    [InlineData("[::1]:5433", "::1")]
    [InlineData("::1", "::1")]
    [InlineData("/tmp", "/tmp")]
    public void Host_entries_lose_their_port(string entry, string host)
    {
        Assert.Equal(host, DatabaseTarget.HostName(entry));
    }
}
