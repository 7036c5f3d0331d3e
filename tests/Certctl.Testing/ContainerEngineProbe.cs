using System.ComponentModel;
using System.Diagnostics;

namespace Certctl.Testing;

/// <summary>Asks whether a container engine (not just its client) answers on this machine.</summary>
internal static class ContainerEngineProbe
{
    /// <summary>True when <c>docker info</c> succeeds within five seconds.</summary>
    public static bool EngineAnswers()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("docker", "info --format {{.ServerVersion}}")
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
        catch (Win32Exception)
        {
            return false; // no docker client at all
        }
    }
}
