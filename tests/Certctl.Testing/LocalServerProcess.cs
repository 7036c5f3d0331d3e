using System.Diagnostics;

namespace Certctl.Testing;

/// <summary>One wrapper script (postgres.sh or rabbitmq.sh) running in the background, its output captured in a log file.</summary>
internal sealed class LocalServerProcess : IDisposable
{
    private readonly Process _process;

    private LocalServerProcess(string name, string logPath, Process process)
    {
        Name = name;
        LogPath = logPath;
        _process = process;
    }

    /// <summary>What runs, for messages: "PostgreSQL" or "RabbitMQ".</summary>
    public string Name { get; }

    /// <summary>The file the script's stdout and stderr go to.</summary>
    public string LogPath { get; }

    /// <summary>True once the script has ended (the server failed to start, or was stopped).</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Starts <c>bash script arguments…</c> with the given environment, stdin closed and output appended to <paramref name="logPath"/>.</summary>
    public static LocalServerProcess Start(string name, string script, string logPath, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        // The shell redirects, not .NET: no pipe back to the test host that an orphaned server could hold open,
        // and `exec` keeps the script's pid as the one we signal.
        var start = new ProcessStartInfo("bash")
        {
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(logPath)!,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("log=\"$1\"; shift; exec bash \"$0\" \"$@\" </dev/null >>\"$log\" 2>&1");
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(logPath);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InfrastructureUnavailableException($"Could not start bash for {name}.");
        return new LocalServerProcess(name, logPath, process);
    }

    /// <summary>The exit code (when ended) and the last lines of the log, for failure messages.</summary>
    public string Describe(int lines = 40)
    {
        var state = _process.HasExited ? $"{Name}'s script exited with code {_process.ExitCode}" : $"{Name}'s script is still running";
        return $"{state}. Last lines of {LogPath}:{Environment.NewLine}{LogTail(lines)}";
    }

    /// <summary>Sends SIGTERM (the script shuts its server down cleanly) and waits up to <paramref name="wait"/> for it to end.</summary>
    public void Stop(TimeSpan wait)
    {
        if (_process.HasExited)
        {
            return;
        }

        UnixSignals.Terminate(_process.Id);
        // If it takes longer, the script's CERTCTL_PARENT_PID watchdog finishes the job after we exit.
        _process.WaitForExit(wait);
    }

    public void Dispose() => _process.Dispose();

    private string LogTail(int lines)
    {
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n');
            return string.Join(Environment.NewLine, all.TakeLast(lines));
        }
        catch (IOException exception)
        {
            return $"(the log could not be read: {exception.Message})";
        }
    }
}
