namespace Certctl.Scheduler.Notifications;

/// <summary>The <c>notification_events.channel</c> values the scheduler delivers.</summary>
public static class NotificationChannels
{
    public const string Email = "Email";
    public const string Webhook = "Webhook";
}
