using Certctl.LoadTest.AcmeIssuance;

namespace Certctl.LoadTest.Tests.AcmeIssuance;

public sealed class AcmeIssuanceOptionsTests
{
    [Fact]
    public void Defaults_are_fifty_clients_for_a_minute_polling_at_most_every_50ms_against_prof_standard_tls()
    {
        var options = AcmeIssuanceOptions.Parse([]);

        Assert.Equal(50, options.Clients);
        Assert.Equal(TimeSpan.FromSeconds(60), options.Duration);
        Assert.Equal(TimeSpan.FromMilliseconds(50), options.PollCap);
        Assert.Equal(new Uri("http://localhost:8080/acme/profile/prof-standard-tls/directory"), options.DirectoryUrl);
        Assert.Equal(["errors<1%"], options.EffectiveThresholds.Select(t => t.Expression));
    }

    [Fact]
    public void Every_setting_is_read_and_an_empty_profile_is_the_acme_shorthand()
    {
        var options = AcmeIssuanceOptions.Parse(
        [
            "--clients", "8", "--duration=15s", "--poll-cap", "10ms", "--order-timeout", "2m", "--profile", "", "--domain", "Load.Example.org.",
            "--base-url", "http://127.0.0.1:9000/x", "--threshold", "certs_per_s>=100", "--threshold", "finalize.p95<200ms", "-q",
        ]);

        Assert.Equal(8, options.Clients);
        Assert.Equal(TimeSpan.FromSeconds(15), options.Duration);
        Assert.Equal(TimeSpan.FromMilliseconds(10), options.PollCap);
        Assert.Equal(TimeSpan.FromMinutes(2), options.OrderTimeout);
        Assert.Equal("load.example.org", options.Domain);
        Assert.Equal(new Uri("http://127.0.0.1:9000/x/acme/directory"), options.DirectoryUrl);
        Assert.Equal(["errors<1%", "certs_per_s>=100", "finalize.p95<200ms"], options.EffectiveThresholds.Select(t => t.Expression));
        Assert.True(options.Quiet);
    }

    [Theory]
    [InlineData("--clients", "0")]
    [InlineData("--clients", "many")]
    [InlineData("--duration", "0s")]
    [InlineData("--poll-cap", "soon")]
    [InlineData("--domain", "localhost")]
    [InlineData("--domain", "bad_name.example.com")]
    [InlineData("--threshold", "certs_per_s>=100%")]
    [InlineData("--rate", "5")]
    public void Bad_settings_are_usage_errors(string option, string value) =>
        Assert.Throws<UsageException>(() => AcmeIssuanceOptions.Parse([option, value]));

    [Fact]
    public void Certs_per_s_is_a_throughput_rule_in_certificates_per_second()
    {
        var threshold = Threshold.Parse("certs_per_s>=100");

        Assert.Equal(ThresholdMetric.Throughput, threshold.Metric);
        Assert.Equal("certs/s", threshold.Unit);
        Assert.Equal(100, threshold.Limit);
    }
}
