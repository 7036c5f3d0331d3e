using System.Diagnostics;

namespace Certctl.Testing;

/// <summary>Runs the real <c>openssl</c> command line, so tests check CRLs and OCSP answers with a client nobody here wrote.</summary>
public static class OpenSslCli
{
    /// <summary>Runs <c>openssl</c> with <paramref name="arguments"/>; answers its exit code and stdout+stderr together.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("openssl did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>As <see cref="RunAsync"/>, failing the test with openssl's output when it exits non-zero.</summary>
    public static async Task<string> RunCheckedAsync(params string[] arguments)
    {
        var (exitCode, output) = await RunAsync(arguments);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"openssl {string.Join(' ', arguments)} exited {exitCode}:{Environment.NewLine}{output}");
        }

        return output;
    }
}
