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
/// lost connection or a server that cannot be reached fails the messages not yet sent, for a retry. The Message-ID is derived from the
/// notification id, so a message sent twice (a replica died before recording it) can be recognised as one.
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
        catch (Exception ex) when (IsSmtpFailure(ex, cancellationToken))
        {
            results.AddRange(deliverable.Select(item => new DeliveryResult(item.Notification, $"SMTP server {settings.SmtpHost}:{settings.SmtpPort}: {ex.Message}")));
            return results;
        }

        var sent = 0;
        foreach (var (notification, to) in deliverable)
        {
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
            catch (Exception ex) when (IsSmtpFailure(ex, cancellationToken))
            {
                results.AddRange(deliverable.Skip(sent).Select(item => new DeliveryResult(item.Notification, $"SMTP connection failed: {ex.Message}")));
                return results;
            }

            sent++;
        }

        try
        {
            await client.DisconnectAsync(quit: true, cancellationToken);
        }
        catch (Exception ex) when (IsSmtpFailure(ex, cancellationToken))
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

    private static bool IsSmtpFailure(Exception ex, CancellationToken cancellationToken) =>
        ex is IOException or TimeoutException or System.Net.Sockets.SocketException or SmtpProtocolException or SmtpCommandException or AuthenticationException
            or ServiceNotConnectedException or ServiceNotAuthenticatedException or SslHandshakeException or NotSupportedException
        || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested); // the SMTP timeout
}
