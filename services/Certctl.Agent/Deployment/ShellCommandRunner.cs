using System.Diagnostics;
using System.Text;

namespace Certctl.Agent.Deployment;

/// <summary>
/// Runs the operator's command line exactly as configured on the target, as one argument to <c>/bin/sh -c</c>: nothing from
/// the certificate or the server's other fields is ever spliced into it.
/// </summary>
public sealed class ShellCommandRunner : ICommandRunner
{
    private const int MaxOutputChars = 2000;

    public async Task<CommandResult> RunAsync(string command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);

        using var process = Process.Start(start) ?? throw new InvalidOperationException("/bin/sh did not start.");
        process.StandardInput.Close();
        var output = new StringBuilder();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            cancellationToken.ThrowIfCancellationRequested();
            timedOut = true;
        }

        output.Append((await stdout).Trim());
        var errors = (await stderr).Trim();
        if (errors.Length > 0)
        {
            output.Append(output.Length > 0 ? " | " : "").Append(errors);
        }

        var text = output.Length > MaxOutputChars ? output.ToString(0, MaxOutputChars) + "…" : output.ToString();
        return new CommandResult(timedOut ? -1 : process.ExitCode, text, timedOut);
    }
}
