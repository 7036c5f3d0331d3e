using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Certctl.Scheduler.Notifications;

/// <summary>
/// Sends e-mail notifications through <c>CERTCTL_SMTP_HOST</c> with MailKit: one connection per batch, authenticated when a user name is
/// set, TLS required unless <c>CERTCTL_SMTP_USE_TLS=false</c> (implicit TLS on port 465, STARTTLS elsewhere).
/// </summary>
/// <remarks>
/// A reply of 5xx to one message (recipient unknown, message refused) fails that message for good; a 4xx reply fails it for a retry; a
/// server that cannot be reached fails the batch for a retry; a lost connection fails the message in flight and releases the rest untried,
/// as does the end of the delivery run. The Message-ID is derived from the notification id, so a message sent twice (a replica died before
/// recording it) can be recognised as one.
/// </remarks>
public sealed class SmtpChannel(IOptions<NotificationOptions> options) : INotificationChannel
{
    public string Name => NotificationChannels.Email;

    public bool IsConfigured => options.Value.EmailEnabled;

    public async Task<IReadOnlyList<DeliveryResult>> SendAsync(IReadOnlyList<Notification> notifications, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var results = new List<DeliveryResult>(notifications.Count);
        var deliverable = new List<(Notification Notification, MailboxAddress To)>();
        foreach (var notification in notifications)
        {
            if (MailboxAddress.TryParse(notification.Recipient, out var to))
            {
                deliverable.Add((notification, to));
            }
            else
            {
                results.Add(new DeliveryResult(notification, $"'{notification.Recipient}' is not an e-mail address", Permanent: true));
            }
        }

        if (deliverable.Count == 0)
        {
            return results;
        }

        using var client = new SmtpClient { Timeout = (int)settings.Timeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(settings.SmtpHost!, settings.SmtpPort, TlsMode(settings), cancellationToken);
            if (!string.IsNullOrEmpty(settings.SmtpUsername))
            {
                await client.AuthenticateAsync(settings.SmtpUsername, settings.SmtpPassword ?? "", cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            results.AddRange(deliverable.Select(item => DeliveryResult.Skipped(item.Notification)));
            return results;
        }
        catch (Exception ex) when (IsSmtpFailure(ex))
        {
            results.AddRange(deliverable.Select(item => new DeliveryResult(item.Notification, $"SMTP server {settings.SmtpHost}:{settings.SmtpPort}: {ex.Message}")));
            return results;
        }

        for (var i = 0; i < deliverable.Count; i++)
        {
            var (notification, to) = deliverable[i];
            if (cancellationToken.IsCancellationRequested)
            {
                // The run ended: the rest are released untried.
                results.AddRange(deliverable.Skip(i).Select(item => DeliveryResult.Skipped(item.Notification)));
                return results;
            }

            try
            {
                await client.SendAsync(Message(settings, notification, to), cancellationToken);
                results.Add(DeliveryResult.Sent(notification));
            }
            catch (SmtpCommandException ex)
            {
                // The connection survives a refused command; the next message goes out on it.
                results.Add(new DeliveryResult(notification, $"SMTP {(int)ex.StatusCode}: {ex.Message}", Permanent: (int)ex.StatusCode >= 500));
            }
            catch (Exception ex) when (IsSmtpFailure(ex) || ex is OperationCanceledException)
            {
                var error = ex is OperationCanceledException && cancellationToken.IsCancellationRequested
                    ? "the delivery run ended before the SMTP server answered"
                    : $"SMTP connection failed: {ex.Message}";
                results.Add(new DeliveryResult(notification, error));
                results.AddRange(deliverable.Skip(i + 1).Select(item => DeliveryResult.Skipped(item.Notification)));
                return results;
            }
        }

        try
        {
            await client.DisconnectAsync(quit: true, CancellationToken.None);
        }
        catch (Exception ex) when (IsSmtpFailure(ex))
        {
            // Every message was accepted already; a failed QUIT changes nothing.
        }

        return results;
    }

    private static SecureSocketOptions TlsMode(NotificationOptions settings) =>
        !settings.SmtpUseTls ? SecureSocketOptions.None
        : settings.SmtpPort == 465 ? SecureSocketOptions.SslOnConnect
        : SecureSocketOptions.StartTls;

    private static MimeMessage Message(NotificationOptions settings, Notification notification, MailboxAddress to)
    {
        var message = new MimeMessage
        {
            Subject = NotificationText.Subject(notification),
            MessageId = $"{notification.Id}@certctl",
            Date = notification.CreatedAt,
            Body = new TextPart("plain") { Text = $"{notification.Message}\r\n\r\n-- \r\ncertctl notification {notification.Id}\r\n" },
        };
        message.From.Add(MailboxAddress.Parse(settings.SmtpFromAddress!)); // validated on start
        message.To.Add(to);
        return message;
    }

    /// <summary>What a server that is down, slow, refusing or speaking badly throws (MailKit's own timeout is a <see cref="TimeoutException"/>).</summary>
    private static bool IsSmtpFailure(Exception ex) =>
        ex is IOException or TimeoutException or System.Net.Sockets.SocketException or SmtpProtocolException or SmtpCommandException
            or AuthenticationException or ServiceNotConnectedException or ServiceNotAuthenticatedException or SslHandshakeException
            or NotSupportedException;
}
