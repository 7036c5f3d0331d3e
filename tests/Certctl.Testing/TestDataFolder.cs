using System.Globalization;

namespace Certctl.Testing;

/// <summary>The per-process folder under /tmp that holds the local servers' data and logs.</summary>
internal static class TestDataFolder
{
    private const string Root = "/tmp";
    private const string Prefix = "certctl-tests-";

    // Traversable by the postgres and rabbitmq users when the tests run as root (the scripts lock their own subfolders).
    private const UnixFileMode Traversable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>Creates <c>/tmp/certctl-tests-&lt;pid&gt;-&lt;random&gt;</c>, mode 755.</summary>
    public static string Create()
    {
        var path = Path.Combine(Root, $"{Prefix}{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}-{TestNames.RandomHex()}");
        Directory.CreateDirectory(path);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, Traversable);
        }

        return path;
    }

    /// <summary>Removes folders left by test processes that no longer exist (killed before their exit handler ran).</summary>
    public static void RemoveAbandoned()
    {
        foreach (var path in Directory.EnumerateDirectories(Root, Prefix + "*"))
        {
            var pidText = Path.GetFileName(path)[Prefix.Length..].Split('-')[0];
            if (int.TryParse(pidText, NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && pid != Environment.ProcessId && !UnixSignals.IsAlive(pid) && !UsedByAnyProcess(path))
            {
                TryDelete(path);
            }
        }
    }

    // A server of a killed test process may still be shutting down (its watchdog polls once a second).
    private static bool UsedByAnyProcess(string path)
    {
        if (!Directory.Exists("/proc"))
        {
            return false;
        }

        foreach (var process in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(process, "cmdline")).Contains(path, StringComparison.Ordinal))
                {
                    return true;
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // Not a process folder, or the process just ended.
            }
        }

        return false;
    }

    /// <summary>Deletes the folder; a failure (a server still writing) only leaves it for the next run to remove.</summary>
    public static void TryDelete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"certctl tests: could not remove {path}: {exception.Message}");
        }
    }
}
