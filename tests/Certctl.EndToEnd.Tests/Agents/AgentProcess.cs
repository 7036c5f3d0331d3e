using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace Certctl.EndToEnd.Tests.Agents;

/// <summary>
/// The real <c>certctl-agent</c> program as a process against this run's gateway: its own state, key and scratch folders under
/// a temp folder, registration with the run's bootstrap token, and one-second heartbeat and poll intervals.
/// </summary>
internal sealed class AgentProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private AgentProcess(Process process, string folder, string name)
    {
        _process = process;
        Folder = folder;
        Name = name;
    }

    /// <summary>The agent's name on the server (unique per test).</summary>
    public string Name { get; }

    /// <summary>The temp folder holding <c>state/</c>, <c>keys/</c> and whatever the test deploys to.</summary>
    public string Folder { get; }

    /// <summary>What the process wrote so far, for assertion messages.</summary>
    public string Output => string.Join(Environment.NewLine, _output);

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static AgentProcess Start(SuiteFixture suite, string namePrefix)
    {
        var name = $"{namePrefix}-{Guid.NewGuid():N}"[..24];
        var folder = Path.Combine(suite.DataDirectory, "agents", name);
        Directory.CreateDirectory(folder);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "certctl-agent.dll"));
        start.Environment["CERTCTL_SERVER_URL"] = $"http://localhost:{suite.GatewayPort}";
        start.Environment["CERTCTL_AGENT_ALLOW_INSECURE_HTTP"] = "true";
        start.Environment["CERTCTL_AGENT_BOOTSTRAP_TOKEN"] = suite.AgentBootstrapToken;
        start.Environment["CERTCTL_AGENT_NAME"] = name;
        start.Environment["CERTCTL_AGENT_STATE_DIR"] = Path.Combine(folder, "state");
        start.Environment["CERTCTL_KEY_DIR"] = Path.Combine(folder, "keys");
        start.Environment["CERTCTL_AGENT_HEARTBEAT_INTERVAL"] = "1s";
        start.Environment["CERTCTL_AGENT_POLL_INTERVAL"] = "1s";
        start.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var agent = new AgentProcess(process, folder, name);
        process.OutputDataReceived += (_, line) => agent.Collect(line.Data);
        process.ErrorDataReceived += (_, line) => agent.Collect(line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return agent;
    }

    /// <summary>The agent id and token registration gave it, once <c>agent.json</c> is written.</summary>
    public async Task<(string Id, string Token)> WaitForRegistrationAsync(TimeSpan timeout)
    {
        var stateFile = Path.Combine(Folder, "state", "agent.json");
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (!File.Exists(stateFile))
        {
            if (_process.HasExited || DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"agent {Name} did not register (exited: {_process.HasExited}):{Environment.NewLine}{Output}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        using var state = JsonDocument.Parse(await File.ReadAllTextAsync(stateFile));
        return (state.RootElement.GetProperty("agent_id").GetString()!, state.RootElement.GetProperty("token").GetString()!);
    }

    /// <summary>True when the process ended within <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(wait.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Collect(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }
}
