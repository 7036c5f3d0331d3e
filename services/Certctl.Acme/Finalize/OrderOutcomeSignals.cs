using System.Collections.Concurrent;

namespace Certctl.Acme.Finalize;

/// <summary>
/// The finalize requests of this replica that wait for their order's issuance outcome, by order id. <see cref="OrderOutcomeListener"/>
/// signals them when any replica's <see cref="IssuanceOutcomeConsumer"/> has moved an order on. A waiter registers before its finalize
/// starts the issuance, so an outcome that comes back at once is never missed.
/// </summary>
public sealed class OrderOutcomeSignals
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiting = new(StringComparer.Ordinal);

    /// <summary>Finalize requests waiting now (for tests and metrics).</summary>
    public int Waiting => _waiting.Count;

    /// <summary>Starts waiting for <paramref name="orderId"/>; dispose the registration when the answer no longer depends on it.</summary>
    public Registration Register(string orderId)
    {
        var signal = _waiting.GetOrAdd(orderId, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        return new Registration(this, orderId, signal);
    }

    /// <summary>The outcome of <paramref name="orderId"/> is stored; a waiter of this replica answers now.</summary>
    public void Signal(string orderId)
    {
        if (_waiting.TryRemove(orderId, out var signal))
        {
            signal.TrySetResult();
        }
    }

    /// <summary>One waiting finalize request.</summary>
    public sealed class Registration(OrderOutcomeSignals signals, string orderId, TaskCompletionSource signal) : IDisposable
    {
        /// <summary>True when the outcome came within <paramref name="window"/>; false when the window passed first.</summary>
        public async Task<bool> WaitAsync(TimeSpan window, TimeProvider time, CancellationToken cancellationToken)
        {
            try
            {
                await signal.Task.WaitAsync(window, time, cancellationToken);
                return true;
            }
            catch (TimeoutException)
            {
                return false;
            }
        }

        // Removed only while the entry is still this signal (two finalizes of one order share it; a signalled one is gone already).
        public void Dispose() => signals._waiting.TryRemove(KeyValuePair.Create(orderId, signal));
    }
}
