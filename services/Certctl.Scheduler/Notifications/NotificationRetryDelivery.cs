using Microsoft.Extensions.Options;

namespace Certctl.Scheduler.Notifications;

/// <summary>Re-sends failed notifications whose backoff has passed; <c>CERTCTL_NOTIFICATION_RETRY_INTERVAL</c>.</summary>
public sealed class NotificationRetryDelivery(
    NotificationQueue queue, NotificationSender sender, IOptions<NotificationOptions> options, NotificationMetrics metrics)
    : NotificationDelivery(queue, sender, options, metrics)
{
    protected override NotificationBacklog Backlog => NotificationBacklog.Retry;
}
