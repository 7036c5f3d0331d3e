using Certctl.Scheduler.Loops;
using Microsoft.Extensions.Options;

namespace Certctl.Scheduler.Notifications;

/// <summary>
/// One delivery run: claims a batch of due rows, sends them, records each outcome in one statement, and repeats until a batch comes back
/// short. <see cref="PendingNotificationDelivery"/> sends new rows, <see cref="NotificationRetryDelivery"/> failed ones whose retry time
/// has come; both are safe on every replica at once (claims skip locked rows and lease what they take).
/// </summary>
/// <remarks>
/// A failed try sets <c>failed</c>, <c>retry_count + 1</c>, <c>last_error</c> and <c>next_retry_at</c> after an exponential backoff
/// (<see cref="NotificationRetryPolicy"/>); the fifth failed try, or a permanent failure, sets <c>dead</c>. The original left a first
/// failure without <c>next_retry_at</c>, so it was never retried. When the run's timeout comes mid-batch, the rows not yet tried are
/// released at once (no try counted) instead of waiting out their claim.
/// </remarks>
public abstract class NotificationDelivery(
    NotificationQueue queue, NotificationSender sender, IOptions<NotificationOptions> options, NotificationMetrics metrics) : ILoopWork
{
    /// <summary>The loop that sends new rows; expiry scans and lifecycle notices wake it.</summary>
    public const string PendingLoopName = "notification-delivery";

    /// <summary>The loop that re-sends failed rows when their retry time has come.</summary>
    public const string RetryLoopName = "notification-retry";

    protected abstract NotificationBacklog Backlog { get; }

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var batchSize = options.Value.BatchSize;
        var handled = 0;
        while (true)
        {
            var batch = await queue.ClaimAsync(Backlog, batchSize, cancellationToken);
            if (batch.Count == 0)
            {
                return handled;
            }

            // The channels do not throw when the run ends: they return what they tried, and the rest as not tried.
            var results = await sender.SendAsync(batch, cancellationToken);
            // Not cancellable: the sends happened, and an unrecorded send would be repeated when its lease ends.
            foreach (var (channel, outcome) in await queue.RecordAsync(results, CancellationToken.None))
            {
                metrics.Delivery(channel, outcome);
            }

            cancellationToken.ThrowIfCancellationRequested();
            handled += batch.Count;
            if (batch.Count < batchSize)
            {
                return handled;
            }
        }
    }
}
