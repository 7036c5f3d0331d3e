namespace Certctl.Scheduler.Loops;

/// <summary>What one run of a scheduler loop does; set-based, so a run is a handful of statements whatever the row count.</summary>
public interface ILoopWork
{
    /// <summary>Does one run and answers how many rows it changed (for the run's log line).</summary>
    Task<int> RunAsync(CancellationToken cancellationToken);
}
