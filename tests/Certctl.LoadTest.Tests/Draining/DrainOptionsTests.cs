using Certctl.LoadTest.Draining;
using Certctl.LoadTest.Seeding;

namespace Certctl.LoadTest.Tests.Draining;

public class DrainOptionsTests
{
    private const string Connection = "Host=127.0.0.1;Port=5432;Username=postgres;Password=pw;Database=certctl";

    [Fact]
    public void Defaults_are_five_minutes_to_wait_a_60_second_drain_and_no_failure()
    {
        var options = DrainOptions.Parse(["pipeline_drain"], _ => null);

        Assert.Equal("pipeline_drain", options.Scenario);
        Assert.Equal(TimeSpan.FromMinutes(5), options.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(60), options.MaxDrain);
        Assert.Equal(0, options.MaxFailed);
        Assert.Equal(LoadOptions.DefaultBaseUrl, options.BaseUrl);
        Assert.Null(options.ApiKey);
        Assert.Null(options.Database);
        Assert.False(options.Quiet);
    }

    [Fact]
    public void Parses_a_typical_command_line()
    {
        var options = DrainOptions.Parse(
            ["pipeline_drain", "--database", Connection, "--api-key=k3y", "--base-url", "http://127.0.0.1:5000/gw", "--timeout", "2m",
             "--max-drain", "45s", "--max-failed", "3", "--out", "x.json", "-q"],
            _ => null);

        Assert.Equal(Connection, options.Database);
        Assert.Equal("k3y", options.ApiKey!.Value);
        Assert.Equal(new Uri("http://127.0.0.1:5000/gw/"), options.BaseUrl);
        Assert.Equal(TimeSpan.FromMinutes(2), options.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(45), options.MaxDrain);
        Assert.Equal(3, options.MaxFailed);
        Assert.Equal("x.json", options.OutPath);
        Assert.True(options.Quiet);
        Assert.Same(SeedFixture.PipelineDrain, options.Validate());
    }

    [Fact]
    public void Reads_the_key_and_the_database_from_the_environment_when_not_given()
    {
        var environment = new Dictionary<string, string> { [ApiKey.EnvironmentVariable] = "from-env", [DatabaseTarget.EnvironmentVariable] = Connection };

        var options = DrainOptions.Parse(["pipeline_drain"], environment.GetValueOrDefault);
        var given = DrainOptions.Parse(["pipeline_drain", "--api-key", "given", "--database", "Host=::1"], environment.GetValueOrDefault);

        Assert.Equal("from-env", options.ApiKey!.Value);
        Assert.Equal(Connection, options.Database);
        Assert.Equal("given", given.ApiKey!.Value);
        Assert.Equal("Host=::1", given.Database);
    }

    [Theory]
    [InlineData("--timeout", "0s")]
    [InlineData("--timeout", "soon")]
    [InlineData("--max-drain", "-1s")]
    [InlineData("--max-failed", "-1")]
    [InlineData("--max-failed", "1.5")]
    [InlineData("--base-url", "ftp://127.0.0.1/")]
    [InlineData("--rate", "5")]
    public void Refuses_bad_values_and_unknown_options(string option, string value)
    {
        Assert.Throws<UsageException>(() => DrainOptions.Parse(["pipeline_drain", option, value], _ => null));
    }

    [Fact]
    public void Refuses_a_second_name_and_a_missing_value()
    {
        Assert.Throws<UsageException>(() => DrainOptions.Parse(["pipeline_drain", "again"], _ => null));
        Assert.Throws<UsageException>(() => DrainOptions.Parse(["pipeline_drain", "--timeout"], _ => null));
    }

    [Theory]
    [InlineData(new string[0], "name the drain")]
    [InlineData(new[] { "bulk_renewal", "--api-key", "k", "--database", Connection }, "unknown drain 'bulk_renewal'")]
    [InlineData(new[] { "pipeline_drain", "--database", Connection }, "--api-key")]
    [InlineData(new[] { "pipeline_drain", "--api-key", "k" }, "--database")]
    public void Validation_says_what_is_missing(string[] args, string expected)
    {
        var options = DrainOptions.Parse(args, _ => null);

        var refusal = Assert.Throws<UsageException>(options.Validate);
        Assert.Contains(expected, refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_command_is_reached_as_drain_or_by_the_drains_name_and_usage_errors_exit_two()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.Equal(LoadCommand.ExitUsage, await LoadCommand.RunAsync(["drain", "pipeline_drain", "--timeout", "0"], output, error, CancellationToken.None));
        Assert.Equal(LoadCommand.ExitUsage, await LoadCommand.RunAsync(["pipeline_drain", "--max-failed", "x"], output, error, CancellationToken.None));
        Assert.Contains("usage error: drain: --timeout", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("usage error: drain: --max-failed", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_or_gateway_off_this_machine_is_refused_with_exit_two()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await LoadCommand.RunAsync(
            ["drain", "pipeline_drain", "--api-key", "k", "--database", "Host=192.0.2.10;Database=certctl"], output, error, CancellationToken.None);
        var gateway = await LoadCommand.RunAsync(
            ["drain", "pipeline_drain", "--api-key", "k", "--database", Connection, "--base-url", "http://192.0.2.10:8080/"], output, error, CancellationToken.None);

        Assert.Equal(LoadCommand.ExitUsage, code);
        Assert.Equal(LoadCommand.ExitUsage, gateway);
        Assert.Equal(2, error.ToString().Split("refused:").Length - 1);
    }
}
