namespace Certctl.Scheduler.Loops;

/// <summary>Makes a loop run on one replica at a time.</summary>
public interface IClusterLock
{
    /// <summary>The lock for one run, or null when another replica holds it; disposing releases it.</summary>
    Task<IAsyncDisposable?> TryAcquireAsync(string loopName, CancellationToken cancellationToken);
}
