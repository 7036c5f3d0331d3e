using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Time.Testing;

namespace Certctl.Issuance.Tests;

public sealed class ValidityTests
{
    private static readonly DateTimeOffset Backdated = new(2026, 3, 1, 11, 59, 0, TimeSpan.Zero);
    private static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);

    [Fact]
    public void With_no_ttl_anywhere_the_issuer_default_applies_backdated_a_minute_to_whole_seconds()
    {
        var (issued, leaf) = Issue(ttl: null, profileMaxTtl: null);

        // now = 12:00:00.750 → notBefore 11:59:00; notAfter = notBefore + 90 d − 1 s (RFC 5280 counts both ends).
        Assert.Equal(Backdated, issued.NotBefore);
        Assert.Equal(Backdated + TimeSpan.FromDays(90) - OneSecond, issued.NotAfter);
        Assert.Equal(ValidityLimit.IssuerDefaultTtl, issued.ValidityLimitedBy);
        Assert.Equal(issued.NotBefore, new DateTimeOffset(leaf.NotBefore.ToUniversalTime()));
        Assert.Equal(issued.NotAfter, new DateTimeOffset(leaf.NotAfter.ToUniversalTime()));
    }

    [Fact]
    public void A_requested_ttl_within_every_maximum_is_granted()
    {
        var (issued, _) = Issue(ttl: TimeSpan.FromDays(30), profileMaxTtl: TimeSpan.FromDays(47));

        Assert.Equal(TimeSpan.FromDays(30) - OneSecond, issued.NotAfter - issued.NotBefore);
        Assert.Equal(ValidityLimit.Requested, issued.ValidityLimitedBy);
    }

    [Fact]
    public void A_requested_ttl_above_the_profile_maximum_is_cut_to_it()
    {
        var (issued, leaf) = Issue(ttl: TimeSpan.FromDays(400), profileMaxTtl: TimeSpan.FromDays(47));

        Assert.Equal(TimeSpan.FromDays(47) - OneSecond, issued.NotAfter - issued.NotBefore);
        Assert.Equal(TimeSpan.FromDays(47) - OneSecond, leaf.NotAfter - leaf.NotBefore);
        Assert.Equal(ValidityLimit.ProfileMaxTtl, issued.ValidityLimitedBy);
    }

    [Fact]
    public void Without_a_requested_ttl_the_profile_maximum_is_the_ttl()
    {
        var (issued, _) = Issue(ttl: null, profileMaxTtl: TimeSpan.FromMinutes(5));

        Assert.Equal(TimeSpan.FromMinutes(5) - OneSecond, issued.NotAfter - issued.NotBefore);
        Assert.Equal(ValidityLimit.ProfileMaxTtl, issued.ValidityLimitedBy);
    }

    [Fact]
    public void A_profile_maximum_of_zero_defers_to_the_issuer()
    {
        var (issued, _) = Issue(ttl: null, profileMaxTtl: TimeSpan.Zero);

        Assert.Equal(TimeSpan.FromDays(90) - OneSecond, issued.NotAfter - issued.NotBefore);
        Assert.Equal(ValidityLimit.IssuerDefaultTtl, issued.ValidityLimitedBy);
    }

    [Fact]
    public void The_issuer_maximum_cuts_whatever_the_request_and_profile_allow()
    {
        var (issued, _) = Issue(ttl: TimeSpan.FromDays(800), profileMaxTtl: TimeSpan.FromDays(1000));

        Assert.Equal(TimeSpan.FromDays(398) - OneSecond, issued.NotAfter - issued.NotBefore);
        Assert.Equal(ValidityLimit.IssuerMaxTtl, issued.ValidityLimitedBy);
    }

    [Fact]
    public void A_leaf_never_outlives_its_issuer()
    {
        var clock = TestPki.Clock();
        using var ca = TestPki.Root(clock, validity: TimeSpan.FromDays(40));
        clock.Advance(TimeSpan.FromDays(30));

        var issued = TestPki.Authority(ca, clock).IssueFromCsr(TestPki.Request() with { Ttl = TimeSpan.FromDays(90) }, TestPki.CsrPem(ECDsa.Create()), IssuanceProfile.Default);

        Assert.Equal(ca.NotAfter, issued.NotAfter);
        Assert.Equal(ValidityLimit.IssuerExpiry, issued.ValidityLimitedBy);
        TestPki.AssertChainBuilds(TestPki.Leaf(issued), ca.Certificate, [], clock.GetUtcNow(), expectedLength: 2);
    }

    [Fact]
    public void A_leaf_never_starts_before_its_issuer()
    {
        // An operator's CA that became valid ten seconds ago: the one-minute backdate would reach before it.
        var caNotBefore = new DateTimeOffset(2026, 3, 1, 11, 59, 50, TimeSpan.Zero);

        var validity = LeafValidity.Compute(TestPki.Now, null, null, new LocalCaOptions(), caNotBefore, TestPki.Now.AddYears(1));

        Assert.Equal(caNotBefore, validity.NotBefore);
        Assert.Equal(caNotBefore + TimeSpan.FromDays(90) - OneSecond, validity.NotAfter);
    }

    [Theory]
    [InlineData(-60)]
    [InlineData(0)]
    [InlineData(60)]
    [InlineData(119)]
    public void A_requested_ttl_too_short_to_be_useful_is_a_client_error(int seconds)
    {
        var error = Assert.Throws<InvalidValidityException>(() => Issue(ttl: TimeSpan.FromSeconds(seconds), profileMaxTtl: null));

        Assert.Equal(IssuanceRejection.InvalidValidity, error.Reason);
    }

    [Fact]
    public void A_profile_maximum_below_the_minimum_is_a_configuration_error()
    {
        Assert.Throws<CertificateAuthorityException>(() => Issue(ttl: null, profileMaxTtl: TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void An_expired_ca_does_not_issue()
    {
        var clock = TestPki.Clock();
        using var ca = TestPki.Root(clock, validity: TimeSpan.FromDays(10));
        var authority = TestPki.Authority(ca, clock);
        clock.Advance(TimeSpan.FromDays(11));

        var error = Assert.Throws<CertificateAuthorityException>(() => authority.IssueFromCsr(TestPki.Request(), TestPki.CsrPem(ECDsa.Create()), IssuanceProfile.Default));
        Assert.Contains("not at", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Issuer_ttls_below_the_minimum_are_refused_when_the_authority_is_built()
    {
        using var ca = TestPki.Root(TestPki.Clock());

        Assert.Throws<CertificateAuthorityException>(() => TestPki.Authority(ca, TestPki.Clock(), new LocalCaOptions { DefaultTtl = TimeSpan.FromSeconds(10) }));
        Assert.Throws<CertificateAuthorityException>(() => TestPki.Authority(ca, TestPki.Clock(), new LocalCaOptions { MaxTtl = TimeSpan.Zero }));
    }

    [Fact]
    public void The_computation_alone_orders_the_bounds_as_documented()
    {
        var options = new LocalCaOptions { DefaultTtl = TimeSpan.FromDays(90), MaxTtl = TimeSpan.FromDays(200) };
        var caNotBefore = TestPki.Now.AddYears(-1);
        var caNotAfter = TestPki.Now.AddDays(100);

        var requested = LeafValidity.Compute(TestPki.Now, TimeSpan.FromDays(10), TimeSpan.FromDays(20), options, caNotBefore, caNotAfter);
        var profile = LeafValidity.Compute(TestPki.Now, null, TimeSpan.FromDays(20), options, caNotBefore, caNotAfter);
        var issuerDefault = LeafValidity.Compute(TestPki.Now, null, null, options, caNotBefore, caNotAfter);
        var issuerMax = LeafValidity.Compute(TestPki.Now, TimeSpan.FromDays(300), null, options, caNotBefore, TestPki.Now.AddYears(5));
        var expiry = LeafValidity.Compute(TestPki.Now, TimeSpan.FromDays(150), null, options, caNotBefore, caNotAfter);

        Assert.Equal((ValidityLimit.Requested, TimeSpan.FromDays(10)), (requested.LimitedBy, requested.NotAfter - requested.NotBefore + OneSecond));
        Assert.Equal((ValidityLimit.ProfileMaxTtl, TimeSpan.FromDays(20)), (profile.LimitedBy, profile.NotAfter - profile.NotBefore + OneSecond));
        Assert.Equal((ValidityLimit.IssuerDefaultTtl, TimeSpan.FromDays(90)), (issuerDefault.LimitedBy, issuerDefault.NotAfter - issuerDefault.NotBefore + OneSecond));
        Assert.Equal((ValidityLimit.IssuerMaxTtl, TimeSpan.FromDays(200)), (issuerMax.LimitedBy, issuerMax.NotAfter - issuerMax.NotBefore + OneSecond));
        Assert.Equal((ValidityLimit.IssuerExpiry, caNotAfter), (expiry.LimitedBy, expiry.NotAfter));
    }

    [Fact]
    public void An_unbounded_issuer_maximum_ends_at_the_cas_expiry_without_overflowing()
    {
        var options = new LocalCaOptions { MaxTtl = TimeSpan.MaxValue };
        var caNotAfter = TestPki.Now.AddYears(3);

        var validity = LeafValidity.Compute(TestPki.Now, TimeSpan.MaxValue, null, options, TestPki.Now.AddYears(-1), caNotAfter);

        Assert.Equal((ValidityLimit.IssuerExpiry, caNotAfter), (validity.LimitedBy, validity.NotAfter));
    }

    private static (IssuedCertificate Issued, X509Certificate2 Leaf) Issue(TimeSpan? ttl, TimeSpan? profileMaxTtl)
    {
        // The root was made a day earlier, so only the leaf's own rules decide its validity.
        using var ca = TestPki.Root(new FakeTimeProvider(TestPki.Now.AddDays(-1)));
        var authority = TestPki.Authority(ca, TestPki.Clock());
        var issued = authority.IssueFromCsr(TestPki.Request() with { Ttl = ttl }, TestPki.CsrPem(ECDsa.Create()), new IssuanceProfile { MaxTtl = profileMaxTtl });
        return (issued, TestPki.Leaf(issued));
    }
}
