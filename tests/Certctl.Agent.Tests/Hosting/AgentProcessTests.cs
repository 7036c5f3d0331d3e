using System.Diagnostics;
using Certctl.Agent.Tests.Support;

namespace Certctl.Agent.Tests.Hosting;

/// <summary>The built <c>certctl-agent</c> program as systemd runs it: its exit code is what <c>Restart=on-failure</c> reads.</summary>
public sealed class AgentProcessTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task The_agent_process_exits_0_when_the_server_says_it_is_retired()
    {
        await using var server = await FakeIngestServer.StartAsync();
        server.Retired = true;

        var (exitCode, log) = await RunAgentAsync(new()
        {
            ["CERTCTL_SERVER_URL"] = server.BaseAddress.ToString(),
            ["CERTCTL_AGENT_ALLOW_INSECURE_HTTP"] = "true",
        });

        Assert.True(exitCode == 0, log);
        Assert.Contains("retired", log, StringComparison.Ordinal);
        Assert.Equal(1, server.Registrations);
    }

    [Fact]
    public async Task The_agent_process_exits_2_before_any_call_when_the_configuration_is_invalid()
    {
        await using var server = await FakeIngestServer.StartAsync();

        var (exitCode, log) = await RunAgentAsync(new() { ["CERTCTL_SERVER_URL"] = server.BaseAddress.ToString() });

        Assert.True(exitCode == 2, log);
        Assert.Contains("CERTCTL_SERVER_URL must be https://", log, StringComparison.Ordinal);
        Assert.Empty(server.Calls);
    }

    private async Task<(int ExitCode, string Log)> RunAgentAsync(Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "certctl-agent.dll"));
        start.Environment["CERTCTL_AGENT_BOOTSTRAP_TOKEN"] = FakeIngestServer.BootstrapToken;
        start.Environment["CERTCTL_AGENT_STATE_DIR"] = _folder["state"];
        start.Environment["CERTCTL_KEY_DIR"] = _folder["keys"];
        start.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("certctl-agent did not exit within 60 s:\n" + await stdout + await stderr);
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
