using System.ComponentModel.DataAnnotations;

namespace Certctl.Scheduler.Notifications;

/// <summary>
/// Where notifications go: SMTP e-mail (<c>CERTCTL_SMTP_*</c>, the original's names and defaults) and one webhook. A channel is on when its
/// address is set; alerts and notices are only written for channels that are on.
/// </summary>
public sealed class NotificationOptions
{
    /// <summary>The SMTP server; empty turns e-mail off.</summary>
    [ConfigurationKeyName("CERTCTL_SMTP_HOST")]
    public string? SmtpHost { get; set; }

    [ConfigurationKeyName("CERTCTL_SMTP_PORT")]
    [Range(1, 65535)]
    public int SmtpPort { get; set; } = 587;

    /// <summary>Empty: no authentication.</summary>
    [ConfigurationKeyName("CERTCTL_SMTP_USERNAME")]
    public string? SmtpUsername { get; set; }

    [ConfigurationKeyName("CERTCTL_SMTP_PASSWORD")]
    public string? SmtpPassword { get; set; }

    [ConfigurationKeyName("CERTCTL_SMTP_FROM_ADDRESS")]
    public string? SmtpFromAddress { get; set; }

    /// <summary>True: TLS is required (implicit TLS on port 465, STARTTLS on any other port); false: plain SMTP.</summary>
    [ConfigurationKeyName("CERTCTL_SMTP_USE_TLS")]
    public bool SmtpUseTls { get; set; } = true;

    /// <summary>The webhook every alert and notice is POSTed to; empty turns the webhook off.</summary>
    [ConfigurationKeyName("CERTCTL_WEBHOOK_URL")]
    public string? WebhookUrl { get; set; }

    /// <summary>When set, each POST carries an HMAC-SHA256 signature under this secret.</summary>
    [ConfigurationKeyName("CERTCTL_WEBHOOK_SECRET")]
    public string? WebhookSecret { get; set; }

    /// <summary>Who gets the e-mail of a certificate whose owner has no e-mail address; empty: no e-mail for such certificates.</summary>
    [ConfigurationKeyName("CERTCTL_NOTIFICATION_FALLBACK_EMAIL")]
    public string? FallbackEmail { get; set; }

    /// <summary>How long one webhook request or one SMTP exchange may take before it counts as a failed try.</summary>
    [ConfigurationKeyName("CERTCTL_NOTIFICATION_TIMEOUT_SECONDS")]
    [Range(1, 300)]
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>Rows one delivery run claims at a time.</summary>
    [ConfigurationKeyName("CERTCTL_NOTIFICATION_BATCH_SIZE")]
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 100;

    public bool EmailEnabled => !string.IsNullOrWhiteSpace(SmtpHost);

    public bool WebhookEnabled => !string.IsNullOrWhiteSpace(WebhookUrl);

    public TimeSpan Timeout => TimeSpan.FromSeconds(TimeoutSeconds);

    /// <summary>The channels this scheduler can deliver, as <c>notification_events.channel</c> values.</summary>
    public string[] EnabledChannels() =>
        [.. new[] { (EmailEnabled, NotificationChannels.Email), (WebhookEnabled, NotificationChannels.Webhook) }
            .Where(channel => channel.Item1).Select(channel => channel.Item2)];
}
