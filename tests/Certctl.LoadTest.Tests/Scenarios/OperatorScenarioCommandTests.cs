using System.Text.Json;

namespace Certctl.LoadTest.Tests.Scenarios;

/// <summary>bulk_renewal and certificate_list end to end through the command, against <see cref="FakeGateway"/>.</summary>
public sealed class OperatorScenarioCommandTests : IDisposable
{
    private readonly DirectoryInfo results = Directory.CreateTempSubdirectory("loadtest-");

    public void Dispose() => results.Delete(recursive: true);

    [Fact]
    public async Task Bulk_renewal_reports_that_the_first_call_created_every_job_and_the_rest_none()
    {
        using var gateway = new FakeGateway();
        var path = Path.Combine(results.FullName, "bulk.json");

        var (code, output, _) = await RunAsync(
            "bulk_renewal", "--base-url", gateway.BaseUrl, "--api-key", FakeGateway.Key, "--rate", "20", "--duration", "500ms", "--warmup", "200ms", "-q", "--out", path);

        Assert.Equal(LoadCommand.ExitPassed, code);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(path));
        var counts = json.RootElement.GetProperty("response_counts");
        var responses = counts.GetProperty("responses").GetInt64();
        Assert.Equal(14, responses); // 4 warm-up + 10 measured: the counts cover the whole run
        Assert.Equal(FakeGateway.Certificates, counts.GetProperty("created").GetInt64());
        Assert.Equal((responses - 1) * FakeGateway.Certificates, counts.GetProperty("skipped").GetInt64());
        Assert.Equal(1, counts.GetProperty("responses creating jobs").GetInt64());
        Assert.Equal(10, json.RootElement.GetProperty("status_codes").GetProperty("200").GetInt64());
        Assert.Contains("responses read (whole run, warm-up included):", output, StringComparison.Ordinal);
        Assert.Contains("created", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Certificate_list_with_if_none_match_measures_only_304s()
    {
        using var gateway = new FakeGateway();
        var path = Path.Combine(results.FullName, "list.json");

        var (code, _, _) = await RunAsync(
            "certificate_list", "--if-none-match", "--base-url", gateway.BaseUrl, "--api-key", FakeGateway.Key, "--rate", "40", "--duration", "500ms",
            "--threshold", "p95<2s", "-q", "--out", path);

        Assert.Equal(LoadCommand.ExitPassed, code);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(path));
        Assert.Equal(20, json.RootElement.GetProperty("status_codes").GetProperty("304").GetInt64());
        Assert.False(json.RootElement.GetProperty("status_codes").TryGetProperty("200", out _));
        Assert.Equal(20, json.RootElement.GetProperty("response_counts").GetProperty("304 not modified").GetInt64());
        Assert.Equal(0, json.RootElement.GetProperty("response_counts").GetProperty("200 full page").GetInt64());
    }

    [Fact]
    public async Task A_wrong_key_fails_the_preparation_with_exit_one()
    {
        using var gateway = new FakeGateway();

        var (code, _, error) = await RunAsync("bulk_renewal", "--base-url", gateway.BaseUrl, "--api-key", "wrong", "--duration", "1s", "-q");

        Assert.Equal(LoadCommand.ExitFailed, code);
        Assert.Contains("refused the API key", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_key_at_all_is_a_usage_error()
    {
        if (Environment.GetEnvironmentVariable(ApiKey.EnvironmentVariable) is not null)
        {
            return; // the process has a key, so "no key" cannot happen here
        }

        using var gateway = new FakeGateway();

        var (code, _, error) = await RunAsync("certificate_list", "--base-url", gateway.BaseUrl, "--duration", "1s", "-q");

        Assert.Equal(LoadCommand.ExitUsage, code);
        Assert.Contains("--api-key", error, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await LoadCommand.RunAsync(args, output, error, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }
}
