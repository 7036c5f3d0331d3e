namespace Certctl.Testing;

/// <summary>The two local server scripts of this test process and their folder; stopped once, at process exit or on a failed start.</summary>
internal sealed class RunningLocalServers(string folder, LocalServerProcess postgres, LocalServerProcess rabbit)
{
    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(20);
    private int _stopped;

    /// <summary>SIGTERM to both scripts, a short wait for them, then the folder is removed if they have ended.</summary>
    public void Stop()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        Task.WaitAll(Task.Run(() => postgres.Stop(StopWait)), Task.Run(() => rabbit.Stop(StopWait)));
        if (postgres.HasExited && rabbit.HasExited)
        {
            TestDataFolder.TryDelete(folder);
        }

        postgres.Dispose();
        rabbit.Dispose();
    }
}
