using Certctl.Domain;
using Certctl.Scheduler.Loops;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Certctl.Scheduler.Notifications;

/// <summary>
/// Writes one notice of a certificate's lifecycle event (renewed, renewal given up, revoked) per enabled channel: e-mail to the owner
/// (else <c>CERTCTL_NOTIFICATION_FALLBACK_EMAIL</c>), and the webhook. Idempotent by the event's key: the unique index on
/// (<c>event_key</c>, <c>channel</c>) turns a redelivered event into no rows.
/// </summary>
public sealed class LifecycleNotices(
    NpgsqlDataSource dataSource,
    TimeProvider timeProvider,
    IOptions<NotificationOptions> options,
    [FromKeyedServices(NotificationDelivery.PendingLoopName)] LoopWakeup? delivery = null)
{
    private static readonly string Sql = $"""
        INSERT INTO notification_events (id, type, certificate_id, channel, recipient, message, event_key, status, created_at, updated_at)
        SELECT {SqlEntityIds.Expression(IdPrefix.NotificationEvent, "id_time")}, @type, c.id, ch.channel,
               CASE ch.channel WHEN 'Email' THEN COALESCE(NULLIF(o.email, ''), NULLIF(@fallback_email, '')) ELSE '' END,
               format(@message, c.name, c.common_name), @event_key, 'pending', @now, @now
        FROM managed_certificates c
        LEFT JOIN owners o ON o.id = c.owner_id
        CROSS JOIN unnest(@channels) AS ch(channel)
        WHERE c.id = @certificate_id
          AND (ch.channel <> 'Email' OR COALESCE(NULLIF(o.email, ''), NULLIF(@fallback_email, '')) IS NOT NULL)
        ON CONFLICT DO NOTHING
        """;

    /// <summary>
    /// Writes the notice; <paramref name="message"/> is a <c>format()</c> template whose two <c>%s</c> are the certificate's name and common
    /// name (any other <c>%</c> must be doubled: use <see cref="Literal"/>). Answers the rows written (0 for a repeat).
    /// </summary>
    public async Task<int> WriteAsync(string type, string eventKey, string certificateId, string message, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var channels = settings.EnabledChannels();
        if (channels.Length == 0)
        {
            return 0;
        }

        var now = timeProvider.GetUtcNow();
        await using var command = dataSource.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<string>("type", type));
        command.Parameters.Add(new NpgsqlParameter<string>("event_key", eventKey));
        command.Parameters.Add(new NpgsqlParameter<string>("certificate_id", certificateId));
        command.Parameters.Add(new NpgsqlParameter<string>("message", message));
        command.Parameters.Add(new NpgsqlParameter<string[]>("channels", channels));
        command.Parameters.Add(new NpgsqlParameter<string>("fallback_email", settings.FallbackEmail?.Trim() ?? ""));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
        command.Parameters.Add(new NpgsqlParameter<string>("id_time", SqlEntityIds.TimestampPart(now)));
        var written = await command.ExecuteNonQueryAsync(cancellationToken);
        if (written > 0)
        {
            delivery?.Wake();
        }

        return written;
    }

    /// <summary>Text for a <see cref="WriteAsync"/> template, with <c>%</c> escaped.</summary>
    public static string Literal(string text) => text.Replace("%", "%%", StringComparison.Ordinal);
}
