using System.Runtime.InteropServices;

namespace Certctl.Testing;

/// <summary>Sends POSIX signals: Process.Kill only knows SIGKILL, which would orphan the servers behind the wrapper scripts.</summary>
internal static class UnixSignals
{
    private const int SigTerm = 15;
    private const int NoSignal = 0;
    private const int NoSuchProcess = 3; // ESRCH

    /// <summary>Asks the process to shut down cleanly; the wrapper scripts pass it on to their server.</summary>
    public static void Terminate(int pid) => _ = kill(pid, SigTerm);

    /// <summary>True while a process with this id exists (signal 0 checks without sending anything).</summary>
    public static bool IsAlive(int pid) => kill(pid, NoSignal) == 0 || Marshal.GetLastPInvokeError() != NoSuchProcess;

    // DllImport, not LibraryImport: int in, int out needs no marshalling code, and no unsafe blocks for the project.
    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
