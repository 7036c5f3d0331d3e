using System.Diagnostics;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace Certctl.EndToEnd.Tests;

/// <summary>Kills, stops and starts the suite's resources, as a crash or an outage would.</summary>
internal static class SuiteProcesses
{
    /// <summary>SIGKILLs this run's process of a service (found by its executable name and this run's database password in its environment).</summary>
    public static int Kill(SuiteFixture suite, string executableName)
    {
        var killed = 0;
        foreach (var pid in RunProcesses(executableName, suite.PostgresPassword))
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
                killed++;
            }
            catch (ArgumentException)
            {
                // it exited meanwhile
            }
        }

        return killed;
    }

    /// <summary>
    /// Stops this run's RabbitMQ as an operator would (SIGTERM to its script, which stops the broker cleanly and exits) and waits
    /// for the AMQP port to close. The resource then shows as exited until <see cref="KnownResourceCommands.StartCommand"/>.
    /// </summary>
    public static async Task StopRabbitMqAsync(SuiteFixture suite, CancellationToken cancellationToken)
    {
        var scripts = RunProcesses("rabbitmq.sh", suite.DataDirectory).Select(pid => pid.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.NotEmpty(scripts);
        foreach (var pid in scripts)
        {
            using var kill = Process.Start("kill", ["-TERM", pid]);
            await kill.WaitForExitAsync(cancellationToken);
        }

        foreach (var pid in scripts)
        {
            while (Directory.Exists(Path.Combine("/proc", pid)) && File.ReadAllText(Path.Combine("/proc", pid, "stat")).Split(' ')[2] != "Z")
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
            }
        }
    }

    /// <summary>Runs one of Aspire's resource commands (<see cref="KnownResourceCommands"/>) and fails the test if it did not succeed.</summary>
    public static async Task CommandAsync(SuiteFixture suite, string resource, string command, CancellationToken cancellationToken)
    {
        var result = await suite.App.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync(resource, command, cancellationToken);
        Assert.True(result.Success, $"{command} on {resource} failed: {result.Message}");
    }

    /// <summary>This run's processes: <paramref name="executableName"/> in the command line, <paramref name="marker"/> in the environment.</summary>
    private static IEnumerable<int> RunProcesses(string executableName, string marker) =>
        Directory.EnumerateDirectories("/proc")
            .Select(directory => (Directory: directory, Pid: int.TryParse(Path.GetFileName(directory), out var pid) ? pid : 0))
            .Where(entry => entry.Pid > 0 && IsRunProcess(entry.Directory, executableName, marker))
            .Select(entry => entry.Pid)
            .ToList();

    private static bool IsRunProcess(string directory, string executableName, string marker)
    {
        try
        {
            var commandLine = File.ReadAllText(Path.Combine(directory, "cmdline"));
            return commandLine.Contains(executableName, StringComparison.Ordinal)
                && File.ReadAllText(Path.Combine(directory, "environ")).Contains(marker, StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
