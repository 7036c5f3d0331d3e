using Certctl.Scheduler.Notifications;
using Microsoft.Extensions.Options;

namespace Certctl.Scheduler.Tests.Notifications;

/// <summary>Notification options for tests: both channels on, pointing wherever the test says.</summary>
internal static class Channels
{
    public static IOptions<NotificationOptions> Both(
        string webhookUrl = "http://127.0.0.1:9/hook", int smtpPort = 25, string? fallbackEmail = null, string? webhookSecret = null) =>
        Microsoft.Extensions.Options.Options.Create(new NotificationOptions
        {
            SmtpHost = "127.0.0.1",
            SmtpPort = smtpPort,
            SmtpUseTls = false,
            SmtpFromAddress = "certctl@example.com",
            WebhookUrl = webhookUrl,
            WebhookSecret = webhookSecret,
            FallbackEmail = fallbackEmail,
            TimeoutSeconds = 5,
            BatchSize = 50,
        });

    public static IOptions<NotificationOptions> EmailOnly() =>
        Microsoft.Extensions.Options.Options.Create(new NotificationOptions
        {
            SmtpHost = "127.0.0.1",
            SmtpUseTls = false,
            SmtpFromAddress = "certctl@example.com",
        });
}
