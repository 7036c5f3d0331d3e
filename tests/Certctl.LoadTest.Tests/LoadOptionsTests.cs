namespace Certctl.LoadTest.Tests;

public class LoadOptionsTests
{
    [Fact]
    public void Parses_a_typical_command_line()
    {
        var options = LoadOptions.Parse(["ceiling", "--rate", "5000", "--duration", "30s", "--warmup=5s", "--threshold", "p99<10ms", "--threshold", "errors<0.1%"]);

        Assert.Equal("ceiling", options.Scenario);
        Assert.Equal(5000, options.Rate);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Duration);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Warmup);
        Assert.Equal(["p99<10ms", "errors<0.1%"], options.Thresholds.Select(t => t.Expression));
        Assert.Equal(LoadOptions.DefaultBaseUrl, options.BaseUrl);
    }

    [Fact]
    public void Leaves_rate_and_duration_to_the_scenario_when_not_given()
    {
        var options = LoadOptions.Parse(["ceiling"]);

        Assert.Null(options.Rate);
        Assert.Null(options.Duration);
        Assert.Equal(10_000, options.MaxInFlight);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Timeout);
        Assert.Equal(TimeSpan.Zero, options.Warmup);
    }

    [Fact]
    public void Reads_every_other_option()
    {
        var options = LoadOptions.Parse([
            "--base-url", "http://127.0.0.1:18081/prefix", "ceiling", "--rate=250/s", "--max-in-flight", "50", "--connections", "8",
            "--timeout", "2s", "--no-default-thresholds", "--ramp", "1000:5000:1000", "--out", "x.json", "--param", "token=abc=d", "-q",
        ]);

        Assert.Equal(new Uri("http://127.0.0.1:18081/prefix/"), options.BaseUrl);
        Assert.Equal(250, options.Rate);
        Assert.Equal(50, options.MaxInFlight);
        Assert.Equal(8, options.Connections);
        Assert.Equal(TimeSpan.FromSeconds(2), options.Timeout);
        Assert.True(options.NoDefaultThresholds);
        Assert.Equal(new RampPlan(1000, 5000, 1000), options.Ramp);
        Assert.Equal("x.json", options.OutPath);
        Assert.Equal("abc=d", options.Parameters["token"]);
        Assert.True(options.Quiet);
    }

    [Theory]
    [InlineData("-h")]
    [InlineData("--help")]
    public void Recognises_help(string flag)
    {
        Assert.True(LoadOptions.Parse([flag]).ShowHelp);
    }

    [Theory]
    [InlineData("ceiling", "--rate")]
    [InlineData("ceiling", "--rate", "0")]
    [InlineData("ceiling", "--rate", "fast")]
    [InlineData("ceiling", "--duration", "0s")]
    [InlineData("ceiling", "--duration", "soon")]
    [InlineData("ceiling", "--max-in-flight", "-1")]
    [InlineData("ceiling", "--threshold", "p99~1")]
    [InlineData("ceiling", "--ramp", "1:2")]
    [InlineData("ceiling", "--base-url", "ftp://127.0.0.1/")]
    [InlineData("ceiling", "--base-url", "not a url")]
    [InlineData("ceiling", "--param", "novalue")]
    [InlineData("ceiling", "--unknown")]
    [InlineData("ceiling", "other")]
    public void Refuses_what_it_cannot_do(params string[] args)
    {
        Assert.Throws<UsageException>(() => LoadOptions.Parse(args));
    }

    [Fact]
    public void Takes_the_api_key_from_the_option_before_the_environment()
    {
        var environment = new Dictionary<string, string?> { [ApiKey.EnvironmentVariable] = "from-env" };

        Assert.Equal("from-flag", LoadOptions.Parse(["bulk_renewal", "--api-key", "from-flag"], name => environment.GetValueOrDefault(name)).ApiKey!.Value);
        Assert.Equal("from-env", LoadOptions.Parse(["bulk_renewal"], name => environment.GetValueOrDefault(name)).ApiKey!.Value);
        Assert.Null(LoadOptions.Parse(["bulk_renewal"], _ => null).ApiKey);
        Assert.Null(LoadOptions.Parse(["bulk_renewal"], _ => "   ").ApiKey);
    }

    [Fact]
    public void The_api_key_never_shows_in_the_printed_options()
    {
        var options = LoadOptions.Parse(["bulk_renewal", "--api-key=s3cret-key"], _ => null);

        Assert.DoesNotContain("s3cret-key", options.ToString(), StringComparison.Ordinal);
        Assert.Equal("Bearer", options.ApiKey!.Header().Scheme);
        Assert.Equal("s3cret-key", options.ApiKey.Header().Parameter);
    }

    [Fact]
    public void If_none_match_is_a_shorthand_for_its_parameter()
    {
        var options = LoadOptions.Parse(["certificate_list", "--if-none-match"], _ => null);

        Assert.Equal("true", options.Parameters[LoadOptions.IfNoneMatchParameter]);
    }

    [Theory]
    [InlineData("bulk_renewal", "--api-key")]
    [InlineData("bulk_renewal", "--api-key", " ")]
    public void Refuses_an_empty_api_key(params string[] args)
    {
        Assert.Throws<UsageException>(() => LoadOptions.Parse(args, _ => null));
    }
}
