using Certctl.CaConnector.Issuers;
using Certctl.CaConnector.RenewalInfo;

namespace Certctl.CaConnector.Tests;

/// <summary>The pure parts of ARI: Retry-After clamping, the error backoff, the renewal time in a window, and the issuer's ARI keys.</summary>
public sealed class AriScheduleTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(1, null, 60)]
    [InlineData(2, null, 120)]
    [InlineData(6, null, 1920)]
    [InlineData(9, null, 15_360)]
    [InlineData(10, null, 21_600)]
    [InlineData(40, null, 21_600)]
    [InlineData(1, 600, 600)]
    [InlineData(1, 5, 60)]
    [InlineData(3, 10, 240)]
    [InlineData(1, 200_000, 86_400)]
    public void Temporary_errors_back_off_from_a_minute_doubling_to_six_hours_never_before_the_clamped_retry_after(
        int failures, int? retryAfterSeconds, int expectedSeconds)
    {
        var retryAfter = retryAfterSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), AriSchedule.ErrorBackoff(failures, retryAfter));
    }

    [Fact]
    public void The_renewal_time_spans_the_window_from_its_start_up_to_its_end()
    {
        var end = Start + TimeSpan.FromDays(2);

        Assert.Equal(Start, AriSchedule.RenewalTime(Start, end, 0));
        Assert.Equal(Start + TimeSpan.FromDays(1), AriSchedule.RenewalTime(Start, end, 0.5));
        Assert.InRange(AriSchedule.RenewalTime(Start, end, Math.BitDecrement(1.0)), Start, end);
        Assert.Throws<ArgumentOutOfRangeException>(() => AriSchedule.RenewalTime(end, Start, 0.5));
    }

    [Fact]
    public void An_acme_issuers_ari_keys_default_to_on_with_a_15_second_timeout()
    {
        var configuration = AcmeAriConfiguration.Parse(new IssuerRow("iss-a", "ACME", true, """{"directory_url":"https://ca.example/dir","email":"a@example.com"}"""));

        Assert.True(configuration.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(15), configuration.Timeout);
        Assert.True(AcmeAriConfiguration.IsAcme(new IssuerRow("iss-a", "acme", true, "{}")));
        Assert.False(AcmeAriConfiguration.IsAcme(new IssuerRow("iss-l", "GenericCA", true, "{}")));
    }

    [Theory]
    [InlineData("""{"directory_url":"https://ca.example/dir","ari_http_timeout_seconds":"4"}""", 4)]
    [InlineData("""{"directory_url":"https://ca.example/dir","ari_http_timeout_seconds":0}""", 15)]
    [InlineData("""{"directory_url":"https://ca.example/dir","ari_http_timeout_seconds":100000}""", 300)]
    public void The_timeout_is_read_as_a_number_or_a_string_and_kept_between_sane_bounds(string json, int expectedSeconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), AcmeAriConfiguration.Parse(new IssuerRow("iss-a", "ACME", true, json)).Timeout);
    }

    [Theory]
    [InlineData("""{"email":"a@example.com"}""")]
    [InlineData("""{"directory_url":"ftp://ca.example/dir"}""")]
    [InlineData("""{"directory_url":"/relative"}""")]
    [InlineData("not json")]
    public void An_acme_issuer_with_ari_on_needs_an_absolute_http_directory_url(string json)
    {
        Assert.Throws<AriConfigurationException>(() => AcmeAriConfiguration.Parse(new IssuerRow("iss-a", "ACME", true, json)));
    }

    [Fact]
    public void An_issuer_with_ari_off_needs_no_directory()
    {
        Assert.False(AcmeAriConfiguration.Parse(new IssuerRow("iss-a", "ACME", true, """{"ari_enabled":false}""")).Enabled);
    }
}
