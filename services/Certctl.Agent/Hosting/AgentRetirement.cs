namespace Certctl.Agent.Hosting;

/// <summary>
/// The server retired this agent: stop every loop and exit with code 0, so systemd (<c>Restart=on-failure</c>) leaves it
/// stopped. Fires once however many calls see the 410.
/// </summary>
public sealed class AgentRetirement(IHostApplicationLifetime lifetime, ILogger<AgentRetirement> logger)
{
    private int _retired;

    /// <summary>True once the server has said this agent is retired.</summary>
    public bool IsRetired => Volatile.Read(ref _retired) == 1;

    /// <summary>Records the retirement and asks the host to stop.</summary>
    public void Retire(string reason)
    {
        if (Interlocked.Exchange(ref _retired, 1) == 1)
        {
            return;
        }

        logger.LogWarning("The server retired this agent ({Reason}); stopping with exit code 0", reason);
        Environment.ExitCode = 0;
        lifetime.StopApplication();
    }
}
