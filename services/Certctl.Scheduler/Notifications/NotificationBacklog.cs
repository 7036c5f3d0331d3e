namespace Certctl.Scheduler.Notifications;

/// <summary>Which rows a delivery run claims.</summary>
public enum NotificationBacklog
{
    /// <summary>New rows (<c>pending</c>), oldest first.</summary>
    Pending,

    /// <summary>Rows whose last try failed (<c>failed</c>) and whose <c>next_retry_at</c> has come, most overdue first.</summary>
    Retry,
}
