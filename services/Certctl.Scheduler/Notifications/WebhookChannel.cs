using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace Certctl.Scheduler.Notifications;

/// <summary>
/// POSTs each notification as JSON to <c>CERTCTL_WEBHOOK_URL</c>, signed when <c>CERTCTL_WEBHOOK_SECRET</c> is set
/// (<see cref="WebhookSignature"/>); a 2xx answer is delivery, anything else (or no answer within the timeout) a failed try.
/// </summary>
public sealed class WebhookChannel(IHttpClientFactory httpClients, IOptions<NotificationOptions> options, TimeProvider timeProvider)
    : INotificationChannel
{
    /// <summary>The named <see cref="HttpClient"/>: the configured timeout and no resilience handler, as the delivery loops do the retrying.</summary>
    public const string HttpClientName = "certctl-webhook";

    /// <summary>Requests in flight at once per batch.</summary>
    private const int Parallelism = 8;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string Name => NotificationChannels.Webhook;

    public bool IsConfigured => options.Value.WebhookEnabled;

    public async Task<IReadOnlyList<DeliveryResult>> SendAsync(IReadOnlyList<Notification> notifications, CancellationToken cancellationToken)
    {
        // The run's end does not abort the batch: rows not started yet come back not tried, so their claims are released at once.
        var results = new DeliveryResult[notifications.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, notifications.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism },
            async (index, _) => results[index] = cancellationToken.IsCancellationRequested
                ? DeliveryResult.Skipped(notifications[index])
                : await SendOneAsync(notifications[index], cancellationToken));
        return results;
    }

    private async Task<DeliveryResult> SendOneAsync(Notification notification, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var body = JsonSerializer.SerializeToUtf8Bytes(Payload.From(notification), Json);
        using var request = new HttpRequestMessage(HttpMethod.Post, settings.WebhookUrl) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(WebhookSignature.IdHeader, notification.Id);
        if (!string.IsNullOrEmpty(settings.WebhookSecret))
        {
            var timestamp = timeProvider.GetUtcNow().ToUnixTimeSeconds();
            request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
            request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Compute(settings.WebhookSecret, timestamp, body));
        }

        try
        {
            using var response = await httpClients.CreateClient(HttpClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            return response.IsSuccessStatusCode
                ? DeliveryResult.Sent(notification)
                : new DeliveryResult(notification, $"webhook answered {(int)response.StatusCode} {response.ReasonPhrase}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new DeliveryResult(notification, $"webhook did not answer within {settings.TimeoutSeconds} s");
        }
        catch (OperationCanceledException)
        {
            return new DeliveryResult(notification, "the delivery run ended before the webhook answered");
        }
        catch (HttpRequestException ex)
        {
            return new DeliveryResult(notification, $"webhook request failed: {ex.Message}");
        }
    }

    /// <summary>The JSON body: the row, with the certificate's names.</summary>
    private sealed record Payload(
        string Id, string Type, string? CertificateId, string? CertificateName, string? CommonName, string Message,
        int? ThresholdDays, DateTimeOffset? ExpiresAt, DateTimeOffset CreatedAt)
    {
        public static Payload From(Notification n) =>
            new(n.Id, n.Type, n.CertificateId, n.CertificateName, n.CommonName, n.Message, n.ThresholdDays, n.AlertExpiresAt, n.CreatedAt);
    }
}
