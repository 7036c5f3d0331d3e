namespace Certctl.Scheduler.Loops;

/// <summary>
/// Wakes one loop before its next tick. Wakes that arrive while the loop waits, runs or is already woken coalesce into one
/// early run, so a burst of events costs one run, not one each.
/// </summary>
public sealed class LoopWakeup
{
    private TaskCompletionSource _signal = NewSignal();

    /// <summary>Ends the loop's current wait (or the next one, if it is running now).</summary>
    public void Wake() => Volatile.Read(ref _signal).TrySetResult();

    /// <summary>Completes on the next <see cref="Wake"/>, or at once if one came since the last call.</summary>
    public Task NextAsync()
    {
        var current = Volatile.Read(ref _signal);
        if (!current.Task.IsCompleted)
        {
            return current.Task;
        }

        // Consumed: arm a fresh signal for the wakes that come after this run starts.
        Interlocked.CompareExchange(ref _signal, NewSignal(), current);
        return Task.CompletedTask;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
