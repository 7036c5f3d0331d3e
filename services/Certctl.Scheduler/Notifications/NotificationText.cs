namespace Certctl.Scheduler.Notifications;

/// <summary>The human-readable title of a notification, for e-mail subjects.</summary>
public static class NotificationText
{
    public static string Subject(Notification notification)
    {
        var what = notification.Type switch
        {
            "ExpirationWarning" when notification.ThresholdDays == 0 => "Certificate expired",
            "ExpirationWarning" => "Certificate expiring",
            "RenewalSuccess" => "Certificate renewed",
            "RenewalFailure" => "Certificate renewal failed",
            "Revocation" => "Certificate revoked",
            _ => notification.Type,
        };
        return notification.CertificateName is { } name ? $"[certctl] {what}: {name}" : $"[certctl] {what}";
    }
}
