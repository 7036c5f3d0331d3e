namespace Certctl.LoadTest.Tests.AcmeIssuance;

/// <summary>The <c>acme_issuance</c> command's refusals: usage errors and targets off this machine never send a request.</summary>
public sealed class AcmeIssuanceCommandTests
{
    [Theory]
    [InlineData("acme_issuance", "--clients", "0")]
    [InlineData("acme_issuance", "--rate", "10")]
    [InlineData("acme_issuance", "extra")]
    public async Task Usage_errors_exit_two(params string[] args) =>
        Assert.Equal(LoadCommand.ExitUsage, (await RunAsync(args)).Code);

    [Fact]
    public async Task A_target_off_this_machine_is_refused()
    {
        var (code, error) = await RunAsync("acme_issuance", "--base-url", "http://192.0.2.10:8080/");

        Assert.Equal(LoadCommand.ExitUsage, code);
        Assert.StartsWith("refused:", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_describes_acme_issuance()
    {
        using var output = new StringWriter();
        Assert.Equal(LoadCommand.ExitPassed, await LoadCommand.RunAsync(["acme_issuance", "--help"], output, TextWriter.Null, CancellationToken.None));
        Assert.Contains("--poll-cap", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("certs_per_s", output.ToString(), StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Error)> RunAsync(params string[] args)
    {
        using var error = new StringWriter();
        var code = await LoadCommand.RunAsync(args, TextWriter.Null, error, CancellationToken.None);
        return (code, error.ToString());
    }
}
