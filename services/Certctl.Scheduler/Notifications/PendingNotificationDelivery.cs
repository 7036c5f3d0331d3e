using Microsoft.Extensions.Options;

namespace Certctl.Scheduler.Notifications;

/// <summary>Sends new (<c>pending</c>) notifications; <c>CERTCTL_SCHEDULER_NOTIFICATION_PROCESS_INTERVAL</c>.</summary>
public sealed class PendingNotificationDelivery(
    NotificationQueue queue, NotificationSender sender, IOptions<NotificationOptions> options, NotificationMetrics metrics)
    : NotificationDelivery(queue, sender, options, metrics)
{
    protected override NotificationBacklog Backlog => NotificationBacklog.Pending;
}
