namespace Certctl.Scheduler.Notifications;

/// <summary>Hands each notification of a batch to its channel, the channels side by side.</summary>
/// <remarks>
/// A row of a channel that is not configured (Slack, Teams, PagerDuty, OpsGenie have no sender here; Email without <c>CERTCTL_SMTP_HOST</c>;
/// Webhook without <c>CERTCTL_WEBHOOK_URL</c>) fails with that reason and goes dead after its tries: the original marked such rows sent
/// without sending anything.
/// </remarks>
public sealed class NotificationSender(IEnumerable<INotificationChannel> channels)
{
    private readonly Dictionary<string, INotificationChannel> _channels = channels.ToDictionary(channel => channel.Name, StringComparer.Ordinal);

    public async Task<IReadOnlyList<DeliveryResult>> SendAsync(IReadOnlyList<Notification> batch, CancellationToken cancellationToken)
    {
        var sends = batch.GroupBy(notification => notification.Channel, StringComparer.Ordinal).Select(group =>
            _channels.TryGetValue(group.Key, out var channel) && channel.IsConfigured
                ? channel.SendAsync([.. group], cancellationToken)
                : Task.FromResult<IReadOnlyList<DeliveryResult>>(
                    [.. group.Select(notification => new DeliveryResult(notification, $"no {group.Key} notifier is configured"))]));
        return [.. (await Task.WhenAll(sends)).SelectMany(results => results)];
    }
}
