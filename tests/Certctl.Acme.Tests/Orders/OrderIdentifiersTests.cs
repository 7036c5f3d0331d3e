using System.Text.RegularExpressions;
using Certctl.Acme.Orders;
using Certctl.Acme.Problems;
using Certctl.Acme.Protocol;
using Certctl.Issuance;

namespace Certctl.Acme.Tests.Orders;

public sealed class OrderIdentifiersTests
{
    private static readonly AcmeProfilePolicy AnyName = new("prof-test", AcmeAuthMode.TrustAuthenticated, false, [], IssuanceProfile.Default);

    [Fact]
    public void Dns_names_are_lower_cased_ip_addresses_made_canonical_and_duplicates_dropped()
    {
        var (identifiers, problem) = OrderIdentifiers.Check(
            [new("DNS", "WWW.Example.COM."), new("dns", "*.example.com"), new("ip", "2001:DB8:0:0::1"), new("ip", "192.0.2.7"), new("dns", "www.example.com")],
            AnyName, 100);

        Assert.Null(problem);
        Assert.Equal(
            [new AcmeIdentifier("dns", "www.example.com"), new("dns", "*.example.com"), new("ip", "2001:db8::1"), new("ip", "192.0.2.7")],
            identifiers);
    }

    [Theory]
    [InlineData("dns", "*.*.example.com")]
    [InlineData("dns", "www.*.example.com")]
    [InlineData("dns", "exa mple.com")]
    [InlineData("dns", "192.0.2.1")]
    [InlineData("dns", "-bad.example.com")]
    [InlineData("ip", "*.0.2.1")]
    [InlineData("ip", "192.0.2")]
    [InlineData("ip", "fe80::1%eth0")]
    [InlineData("ip", "example.com")]
    public void A_malformed_identifier_is_a_rejected_identifier_subproblem(string type, string value)
    {
        var (identifiers, problem) = OrderIdentifiers.Check([new("dns", "ok.example.com"), new(type, value)], AnyName, 100);

        Assert.Null(identifiers);
        Assert.Equal(AcmeProblemTypes.RejectedIdentifier, problem!.Type);
        Assert.Equal(400, problem.Status);
        var sub = Assert.Single(problem.Subproblems!);
        Assert.Equal(AcmeProblemTypes.RejectedIdentifier, sub.Type);
        Assert.Equal(new AcmeIdentifier(type, value), sub.Identifier);
    }

    [Fact]
    public void An_unknown_type_is_unsupported_identifier_and_every_refusal_is_listed()
    {
        var (_, onlyType) = OrderIdentifiers.Check([new("email", "a@example.com")], AnyName, 100);
        Assert.Equal(AcmeProblemTypes.UnsupportedIdentifier, onlyType!.Type);

        var (_, mixed) = OrderIdentifiers.Check([new("email", "a@example.com"), new("dns", "*.*.x.example")], AnyName, 100);
        Assert.Equal(AcmeProblemTypes.RejectedIdentifier, mixed!.Type);
        Assert.Equal([AcmeProblemTypes.UnsupportedIdentifier, AcmeProblemTypes.RejectedIdentifier], mixed.Subproblems!.Select(p => p.Type));
    }

    [Fact]
    public void No_identifiers_is_malformed_and_too_many_is_rejected()
    {
        Assert.Equal(AcmeProblemTypes.Malformed, OrderIdentifiers.Check([], AnyName, 100).Problem!.Type);
        Assert.Equal(AcmeProblemTypes.Malformed, OrderIdentifiers.Check(null, AnyName, 100).Problem!.Type);
        Assert.Equal(AcmeProblemTypes.Malformed, OrderIdentifiers.Check([null], AnyName, 100).Problem!.Subproblems![0].Type);
        var three = new AcmeIdentifier?[] { new("dns", "a.example.com"), new("dns", "b.example.com"), new("dns", "c.example.com") };
        Assert.Equal(AcmeProblemTypes.RejectedIdentifier, OrderIdentifiers.Check(three, AnyName, 2).Problem!.Type);
    }

    [Fact]
    public void The_profile_name_patterns_decide_which_names_an_order_may_have()
    {
        var internalOnly = AnyName with { RequiredNamePatterns = [new Regex(@"^[a-z0-9-]+\.internal\.example\.com$")] };

        Assert.Null(OrderIdentifiers.Check([new("dns", "API.internal.example.com")], internalOnly, 100).Problem);
        var (_, problem) = OrderIdentifiers.Check([new("dns", "api.internal.example.com"), new("dns", "www.example.com")], internalOnly, 100);
        Assert.Equal(AcmeProblemTypes.RejectedIdentifier, problem!.Type);
        Assert.Equal("www.example.com", Assert.Single(problem.Subproblems!).Identifier!.Value);
    }
}
