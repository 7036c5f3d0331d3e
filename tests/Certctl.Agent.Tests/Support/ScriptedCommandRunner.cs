using Certctl.Agent.Deployment;

namespace Certctl.Agent.Tests.Support;

/// <summary>A command runner that records each command and answers from a script (exit code 0 once the script runs out).</summary>
public sealed class ScriptedCommandRunner : ICommandRunner
{
    private readonly Queue<int> _exitCodes = new();

    public List<string> Commands { get; } = [];

    /// <summary>Called with each command, before it "runs": lets a test look at the files at that moment.</summary>
    public Action<string>? OnRun { get; set; }

    public ScriptedCommandRunner Then(params int[] exitCodes)
    {
        foreach (var code in exitCodes)
        {
            _exitCodes.Enqueue(code);
        }

        return this;
    }

    public Task<CommandResult> RunAsync(string command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Commands.Add(command);
        OnRun?.Invoke(command);
        var code = _exitCodes.Count > 0 ? _exitCodes.Dequeue() : 0;
        return Task.FromResult(new CommandResult(code, code == 0 ? "" : "scripted failure", false));
    }
}
