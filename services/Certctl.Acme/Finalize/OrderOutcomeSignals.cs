using System.Collections.Concurrent;

namespace Certctl.Acme.Finalize;

/// <summary>
/// The finalize requests of this replica that wait for their order's issuance outcome, by order id. <see cref="Notifications.AcmeNotificationListener"/>
/// signals them when any replica's <see cref="IssuanceOutcomeConsumer"/> has moved an order on. A waiter registers before its finalize
/// starts the issuance, so an outcome that comes back at once is never missed. A signal carries the order's new status.
/// </summary>
public sealed class OrderOutcomeSignals
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<string>> _waiting = new(StringComparer.Ordinal);

    /// <summary>Finalize requests waiting now (tests read it to see that nothing is left behind).</summary>
    public int Waiting => _waiting.Count;

    /// <summary>Starts waiting for <paramref name="orderId"/>; dispose the registration when the answer no longer depends on it.</summary>
    public Registration Register(string orderId)
    {
        var signal = _waiting.GetOrAdd(orderId, static _ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously));
        return new Registration(this, orderId, signal);
    }

    /// <summary>
    /// The outcome of <paramref name="orderId"/> (its new <paramref name="status"/>) is stored; a waiter of this replica answers now.
    /// </summary>
    public void Signal(string orderId, string status)
    {
        if (_waiting.TryRemove(orderId, out var signal))
        {
            signal.TrySetResult(status);
        }
    }

    /// <summary>One waiting finalize request.</summary>
    public sealed class Registration(OrderOutcomeSignals signals, string orderId, TaskCompletionSource<string> signal) : IDisposable
    {
        /// <summary>The order's new status when the outcome came within <paramref name="window"/>; null when the window passed first.</summary>
        public async Task<string?> WaitAsync(TimeSpan window, TimeProvider time, CancellationToken cancellationToken)
        {
            try
            {
                return await signal.Task.WaitAsync(window, time, cancellationToken);
            }
            catch (TimeoutException)
            {
                return null;
            }
        }

        // Removed only while the entry is still this signal (two finalizes of one order share it; a signalled one is gone already).
        public void Dispose() => signals._waiting.TryRemove(KeyValuePair.Create(orderId, signal));
    }
}
