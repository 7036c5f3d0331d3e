using Microsoft.Extensions.Options;
using MimeKit;

namespace Certctl.Scheduler.Notifications;

/// <summary>Stops the scheduler at start when a channel is half configured, naming the variable.</summary>
public sealed class NotificationOptionsValidator : IValidateOptions<NotificationOptions>
{
    public ValidateOptionsResult Validate(string? name, NotificationOptions options)
    {
        var failures = new List<string>();
        if (options.EmailEnabled && !MailboxAddress.TryParse(options.SmtpFromAddress ?? "", out _))
        {
            failures.Add("CERTCTL_SMTP_FROM_ADDRESS must be an e-mail address when CERTCTL_SMTP_HOST is set.");
        }

        if (!string.IsNullOrEmpty(options.SmtpPassword) && string.IsNullOrEmpty(options.SmtpUsername))
        {
            failures.Add("CERTCTL_SMTP_PASSWORD is set without CERTCTL_SMTP_USERNAME.");
        }

        if (!string.IsNullOrWhiteSpace(options.FallbackEmail) && !MailboxAddress.TryParse(options.FallbackEmail, out _))
        {
            failures.Add($"CERTCTL_NOTIFICATION_FALLBACK_EMAIL = '{options.FallbackEmail}' is not an e-mail address.");
        }

        if (options.WebhookEnabled
            && !(Uri.TryCreate(options.WebhookUrl, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp)))
        {
            failures.Add("CERTCTL_WEBHOOK_URL must be an absolute http or https URL.");
        }

        if (!string.IsNullOrEmpty(options.WebhookSecret) && !options.WebhookEnabled)
        {
            failures.Add("CERTCTL_WEBHOOK_SECRET is set without CERTCTL_WEBHOOK_URL.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
