using Certctl.Domain;

namespace Certctl.Domain.Tests;

public sealed class RenewalWindowTests
{
    private static readonly DateTimeOffset NotBefore = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset NotAfter = NotBefore.AddDays(90);

    [Fact]
    public void Days_mode_opens_the_window_that_many_days_before_expiry()
    {
        var window = RenewalWindow.For(new CertificateValidity(NotBefore, NotAfter), new RenewalWindowPolicy(30));

        Assert.Equal(NotAfter.AddDays(-30), window.OpensAt);
        Assert.Equal(NotAfter, window.ClosesAt);
        Assert.Equal(RenewalWindowBasis.DaysBeforeExpiry, window.Basis);
    }

    [Fact]
    public void Fraction_mode_wins_over_days_when_set()
    {
        // The last third of a 90-day certificate is 30 days, although the policy's day count says 10.
        var window = RenewalWindow.For(new CertificateValidity(NotBefore, NotAfter), new RenewalWindowPolicy(10, 1.0 / 3));

        Assert.Equal(NotAfter.AddDays(-30), window.OpensAt);
        Assert.Equal(RenewalWindowBasis.FractionOfLifetime, window.Basis);
    }

    [Fact]
    public void Fraction_mode_uses_the_lifetime_not_the_day_count()
    {
        // A 90-day certificate renewed in its last tenth: 9 days before expiry, whatever the day setting says.
        var window = RenewalWindow.For(new CertificateValidity(NotBefore, NotAfter), new RenewalWindowPolicy(30, 0.1));

        Assert.Equal(NotAfter.AddDays(-9), window.OpensAt);
        Assert.Equal(RenewalWindowBasis.FractionOfLifetime, window.Basis);
    }

    [Fact]
    public void Fraction_mode_suits_short_lived_certificates()
    {
        var issued = NotBefore;
        var validity = new CertificateValidity(issued, issued.AddHours(1));

        var decision = RenewalWindow.Decide(validity, new RenewalWindowPolicy(30, 0.5), issued.AddMinutes(20));

        Assert.Equal(issued.AddMinutes(30), decision.Window.OpensAt);
        Assert.False(decision.IsDue);
    }

    [Fact]
    public void Renewal_is_due_exactly_when_the_window_opens()
    {
        var validity = new CertificateValidity(NotBefore, NotAfter);
        var policy = new RenewalWindowPolicy(30);
        var opensAt = NotAfter.AddDays(-30);

        Assert.False(RenewalWindow.Decide(validity, policy, opensAt.AddTicks(-1)).IsDue);
        Assert.True(RenewalWindow.Decide(validity, policy, opensAt).IsDue);
        Assert.True(RenewalWindow.Decide(validity, policy, opensAt.AddTicks(1)).IsDue);
    }

    [Fact]
    public void Before_the_window_nothing_is_due()
    {
        var decision = RenewalWindow.Decide(new CertificateValidity(NotBefore, NotAfter), new RenewalWindowPolicy(30), NotBefore.AddDays(10));

        Assert.False(decision.IsDue);
        Assert.False(decision.IsExpired);
        Assert.Equal(TimeSpan.FromDays(80), decision.TimeUntilExpiry);
    }

    [Fact]
    public void An_expired_certificate_is_due_and_says_it_is_expired()
    {
        var decision = RenewalWindow.Decide(new CertificateValidity(NotBefore, NotAfter), new RenewalWindowPolicy(30), NotAfter.AddDays(2));

        Assert.True(decision.IsDue);
        Assert.True(decision.IsExpired);
        Assert.Equal(TimeSpan.FromDays(-2), decision.TimeUntilExpiry);
    }

    [Fact]
    public void Expiry_starts_at_not_after_itself()
    {
        var decision = RenewalWindow.Decide(new CertificateValidity(NotBefore, NotAfter), new RenewalWindowPolicy(30), NotAfter);

        Assert.True(decision.IsExpired);
        Assert.Equal(TimeSpan.Zero, decision.TimeUntilExpiry);
    }

    [Fact]
    public void Without_not_before_the_fraction_falls_back_to_days()
    {
        var window = RenewalWindow.For(new CertificateValidity(null, NotAfter), new RenewalWindowPolicy(14, 1.0 / 3));

        Assert.Equal(NotAfter.AddDays(-14), window.OpensAt);
        Assert.Equal(RenewalWindowBasis.DaysBeforeExpiry, window.Basis);
    }

    [Fact]
    public void A_period_that_ends_before_it_starts_falls_back_to_days()
    {
        var validity = new CertificateValidity(NotAfter, NotBefore);

        Assert.Null(validity.Lifetime);
        Assert.Equal(RenewalWindowBasis.DaysBeforeExpiry, RenewalWindow.For(validity, new RenewalWindowPolicy(30, 0.5)).Basis);
    }

    [Fact]
    public void Zero_days_opens_the_window_at_expiry()
    {
        var window = RenewalWindow.For(new CertificateValidity(null, NotAfter), new RenewalWindowPolicy(0));

        Assert.Equal(NotAfter, window.OpensAt);
    }

    [Fact]
    public void The_default_policy_renews_thirty_days_ahead()
    {
        Assert.Equal(30, RenewalWindowPolicy.Default.RenewalWindowDays);
        Assert.Null(RenewalWindowPolicy.Default.LifetimeFraction);
    }

    [Theory]
    [InlineData(-1, null)]
    [InlineData(30, 0.0)]
    [InlineData(30, -0.1)]
    [InlineData(30, 1.5)]
    [InlineData(30, double.NaN)]
    public void Nonsense_policies_are_refused(int days, double? fraction)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RenewalWindowPolicy(days, fraction));
    }

    [Fact]
    public void A_fraction_of_one_opens_the_window_at_issuance()
    {
        var window = RenewalWindow.For(new CertificateValidity(NotBefore, NotAfter), new RenewalWindowPolicy(30, 1.0));

        Assert.Equal(NotBefore, window.OpensAt);
    }
}
