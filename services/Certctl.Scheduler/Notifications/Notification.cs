namespace Certctl.Scheduler.Notifications;

/// <summary>One claimed <c>notification_events</c> row, with its certificate's names, ready to send.</summary>
/// <param name="Tries">Sends already tried and failed (<c>retry_count</c>).</param>
public sealed record Notification(
    string Id,
    string Type,
    string Channel,
    string Recipient,
    string Message,
    string? CertificateId,
    string? CertificateName,
    string? CommonName,
    int? ThresholdDays,
    DateTimeOffset? AlertExpiresAt,
    int Tries,
    DateTimeOffset CreatedAt);

/// <summary>How one send ended: <see cref="Error"/> null when it was accepted.</summary>
/// <param name="Permanent">True when trying again cannot help (no such address, the server refused it for good): the row goes dead at once.</param>
/// <param name="NotTried">True when the run ended before this row was tried: its claim is released and no try is counted.</param>
public sealed record DeliveryResult(Notification Notification, string? Error, bool Permanent = false, bool NotTried = false)
{
    public static DeliveryResult Sent(Notification notification) => new(notification, null);

    public static DeliveryResult Skipped(Notification notification) => new(notification, null, NotTried: true);
}
