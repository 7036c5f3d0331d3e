using System.Text.Json;

namespace Certctl.LoadTest.Tests;

/// <summary>The command end to end, against a real listener on 127.0.0.1: exit codes and the written summary.</summary>
public sealed class LoadCommandTests : IDisposable
{
    private readonly DirectoryInfo results = Directory.CreateTempSubdirectory("loadtest-");

    public void Dispose() => results.Delete(recursive: true);

    [Fact]
    public async Task Help_exits_zero_and_lists_the_scenarios()
    {
        var (code, output, _) = await RunAsync("--help");

        Assert.Equal(LoadCommand.ExitPassed, code);
        Assert.Contains("ceiling", output, StringComparison.Ordinal);
        Assert.Contains("--threshold", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("nope")]
    [InlineData("ceiling", "--rate", "0")]
    [InlineData("--rate", "10")]
    public async Task Usage_errors_exit_two(params string[] args)
    {
        Assert.Equal(LoadCommand.ExitUsage, (await RunAsync(args)).Code);
    }

    [Theory]
    [InlineData("seed")]
    [InlineData("seed", "nope", "--database", "Host=127.0.0.1")]
    [InlineData("seed", "bulk_renewal", "--database", "Host=127.0.0.1", "--count", "100000")]
    [InlineData("seed", "bulk_renewal", "--database", "Host=127.0.0.1", "--remove", "--reset-jobs")]
    public async Task Seed_usage_errors_exit_two(params string[] args)
    {
        var (code, _, error) = await RunAsync(args);

        Assert.Equal(LoadCommand.ExitUsage, code);
        Assert.Contains("usage error: seed:", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Seed_refuses_a_database_outside_loopback_with_exit_two_before_connecting()
    {
        var (code, output, error) = await RunAsync("seed", "bulk_renewal", "--database", "Host=192.0.2.10;Port=5432;Username=postgres;Password=s3cret");

        Assert.Equal(LoadCommand.ExitUsage, code);
        Assert.Contains("not loopback", error, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", output + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Seed_help_lists_the_fixtures()
    {
        var (code, output, _) = await RunAsync("seed", "--help");

        Assert.Equal(LoadCommand.ExitPassed, code);
        Assert.Contains("bulk_renewal", output, StringComparison.Ordinal);
        Assert.Contains("certificate_list", output, StringComparison.Ordinal);
        Assert.Contains("--reset-jobs", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_target_outside_loopback_is_refused_with_exit_two()
    {
        var (code, _, error) = await RunAsync("ceiling", "--base-url", "http://192.0.2.10:8080", "--duration", "1s");

        Assert.Equal(LoadCommand.ExitUsage, code);
        Assert.Contains("not loopback", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_target_fails_the_thresholds_and_still_writes_the_summary()
    {
        var port = Certctl.Testing.FreePort.Next();
        var path = Path.Combine(results.FullName, "refused.json");

        var (code, _, _) = await RunAsync("ceiling", "--base-url", $"http://127.0.0.1:{port}", "--rate", "50", "--duration", "300ms", "-q", "--out", path);

        Assert.Equal(LoadCommand.ExitFailed, code);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(path));
        Assert.False(json.RootElement.GetProperty("passed").GetBoolean());
        Assert.Equal(15, json.RootElement.GetProperty("errors").GetProperty("by_kind").GetProperty("connection_refused").GetInt64());
    }

    [Fact]
    public async Task A_healthy_target_passes_and_the_summary_says_so()
    {
        using var server = AliveServer();
        var path = Path.Combine(results.FullName, "nested", "ok.json");
        // The latency bound only has to tell a healthy target from a dead one: CI runs this beside the end-to-end suite's start-up,
        // where a cold driver's first requests have taken over 2 s.

        var (code, output, _) = await RunAsync(
            "ceiling", "--base-url", server.BaseUrl, "--rate", "100", "--duration", "500ms", "--threshold", "p99<30s", "-q", "--out", path);

        Assert.Equal(LoadCommand.ExitPassed, code);
        Assert.Contains("result: PASS", output, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(path));
        Assert.True(json.RootElement.GetProperty("passed").GetBoolean());
        Assert.Equal(50, json.RootElement.GetProperty("status_codes").GetProperty("200").GetInt64());
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await LoadCommand.RunAsync(args, output, error, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Answers 200 "Healthy" to everything on 127.0.0.1.</summary>
    private static LoopbackServer AliveServer() =>
        new((_, response) =>
        {
            response.ContentType = "text/plain";
            return Task.FromResult((200, "Healthy"));
        });
}
