namespace Certctl.Agent.Deployment;

/// <summary>The result of one operator-configured command.</summary>
public sealed record CommandResult(int ExitCode, string Output, bool TimedOut)
{
    /// <summary>True when the command exited 0 within its time.</summary>
    public bool Succeeded => ExitCode == 0 && !TimedOut;

    /// <summary>A one-line account for job errors and logs.</summary>
    public string Describe() => TimedOut ? "timed out" : $"exit code {ExitCode}" + (Output.Length == 0 ? "" : $": {Output}");
}

/// <summary>Runs a target's validate or reload command.</summary>
public interface ICommandRunner
{
    /// <summary>Runs <paramref name="command"/> through <c>/bin/sh -c</c>, killing it after <paramref name="timeout"/>.</summary>
    Task<CommandResult> RunAsync(string command, TimeSpan timeout, CancellationToken cancellationToken);
}
