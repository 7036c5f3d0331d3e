namespace Certctl.Scheduler.Notifications;

/// <summary>Sends notifications of one <c>notification_events.channel</c>.</summary>
public interface INotificationChannel
{
    /// <summary>The channel's name as stored in <c>notification_events.channel</c>.</summary>
    string Name { get; }

    /// <summary>False when its settings are absent (no SMTP host, no webhook URL): its rows fail instead of being sent.</summary>
    bool IsConfigured { get; }

    /// <summary>Sends each notification and says how each send ended; a failure of one does not stop the others.</summary>
    Task<IReadOnlyList<DeliveryResult>> SendAsync(IReadOnlyList<Notification> notifications, CancellationToken cancellationToken);
}
