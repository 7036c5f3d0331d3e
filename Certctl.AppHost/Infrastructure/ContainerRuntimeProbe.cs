using System.Diagnostics;

namespace Certctl.AppHost.Infrastructure;

/// <summary>Asks whether a container engine (not just its client) answers on this machine.</summary>
internal static class ContainerRuntimeProbe
{
    /// <summary>True when <c>docker info</c> (or <c>podman info</c>, when Aspire is told to use podman) succeeds within a few seconds.</summary>
    public static bool EngineAnswers(string runtime)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(runtime, "info --format {{.ServerVersion}}")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return false;
            }

            if (!process.WaitForExit(TimeSpan.FromSeconds(5)))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }

            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // the client itself is not installed
        }
    }
}
