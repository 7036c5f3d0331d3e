using Certctl.Domain;
using Certctl.Scheduler.Loops;
using Certctl.Scheduler.Notifications;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Certctl.Scheduler.Expiry;

/// <summary>
/// Writes expiry alerts for the whole fleet in one statement: for each certificate, the most urgent alert threshold it has crossed, on each
/// channel its policy routes that threshold's tier to; the delivery loops send them.
/// </summary>
/// <remarks>
/// <para>A threshold of N days is crossed once <c>expires_at − N days ≤ now</c> (0 = expired). When several are crossed at once (a new
/// certificate already inside 14 days, or a scheduler that was down) only the lowest alerts: one message about the nearest deadline, not
/// three. Each alert is keyed by certificate, threshold, channel and expiry (the unique index <c>notification_events_expiry_dedup</c>, with
/// <c>ON CONFLICT DO NOTHING</c>), so repeated runs and replicas never write one twice, whatever the first one's status, and a renewed
/// certificate (new expiry) is alerted again.</para>
/// <para>Routing follows the original: tier from the policy's <c>alert_severity_map</c>, else the built-in map (30 informational, 14 and 7
/// warning, 0 critical), else informational; channels from the policy's <c>alert_channels</c> for that tier, Email alone when the map is
/// empty. Only channels this scheduler delivers are written (the original marked the others sent without sending). E-mail goes to the
/// owner's address, else to <c>CERTCTL_NOTIFICATION_FALLBACK_EMAIL</c>, else nowhere.</para>
/// <para>Certificates alerted: Active, Expiring, Failed and Expired ones (RenewalInProgress is being renewed; Pending has no expiry;
/// Revoked and Archived are retired), expired within the last <see cref="ExpiredLookbackDays"/> days or expiring within the largest
/// threshold of any policy, and not of a short-lived profile, whose expiry is their normal end.</para>
/// </remarks>
public sealed class ExpiryAlertScan(
    NpgsqlDataSource dataSource,
    TimeProvider timeProvider,
    IOptions<NotificationOptions> options,
    NotificationMetrics metrics,
    [FromKeyedServices(NotificationDelivery.PendingLoopName)] LoopWakeup? delivery = null) : ILoopWork
{
    public const string LoopName = "expiry-alerts";

    /// <summary>How long after expiry a certificate is still alerted (its expired alert, when the scheduler was down at the time).</summary>
    public const int ExpiredLookbackDays = 30;

    private static readonly string Sql = $$"""
        WITH candidates AS (
            SELECT c.id, c.name, c.common_name, c.expires_at,
                   COALESCE(NULLIF(o.email, ''), NULLIF(@fallback_email, '')) AS email,
                   COALESCE(rp.alert_thresholds_days, '{30,14,7,0}') AS thresholds,
                   COALESCE(rp.alert_channels, '{}') AS channels,
                   COALESCE(rp.alert_severity_map, '{}') AS severity_map
            FROM managed_certificates c
            LEFT JOIN renewal_policies rp ON rp.id = c.renewal_policy_id
            LEFT JOIN certificate_profiles p ON p.id = c.certificate_profile_id
            LEFT JOIN owners o ON o.id = c.owner_id
            WHERE c.expires_at >= @now - make_interval(days => {{ExpiredLookbackDays}})
              -- A range on the expiry index up to the largest threshold any policy has (30 without one), computed once per scan.
              AND c.expires_at <= @now + make_interval(days => (
                    SELECT GREATEST(max(th), 30) FROM renewal_policies, unnest(alert_thresholds_days) AS th))
              AND c.status IN ('Active', 'Expiring', 'Failed', 'Expired')
              AND NOT (COALESCE(p.allow_short_lived, FALSE) AND p.max_ttl_seconds BETWEEN 1 AND 3599)
        ),
        crossed AS (
            SELECT c.*, t.threshold
            FROM candidates c
            CROSS JOIN LATERAL (
                SELECT min(th) AS threshold FROM unnest(c.thresholds) AS th
                WHERE c.expires_at - make_interval(days => th) <= @now) t
            WHERE t.threshold IS NOT NULL
        ),
        tiered AS (
            SELECT x.*,
                   CASE WHEN x.severity_map -> x.threshold::text IS NOT NULL
                        THEN CASE WHEN x.severity_map ->> x.threshold::text IN ('informational', 'warning', 'critical')
                                  THEN x.severity_map ->> x.threshold::text ELSE 'informational' END
                        ELSE COALESCE('{"30":"informational","14":"warning","7":"warning","0":"critical"}'::jsonb ->> x.threshold::text, 'informational')
                   END AS tier
            FROM crossed x
        ),
        routed AS (
            SELECT DISTINCT t.id, t.name, t.common_name, t.expires_at, t.threshold, ch.channel,
                   CASE ch.channel WHEN 'Email' THEN t.email ELSE '' END AS recipient
            FROM tiered t
            CROSS JOIN LATERAL jsonb_array_elements_text(
                CASE WHEN t.channels = '{}'::jsonb THEN '["Email"]'::jsonb
                     WHEN jsonb_typeof(t.channels -> t.tier) = 'array' THEN t.channels -> t.tier
                     ELSE '[]'::jsonb END) AS ch(channel)
            WHERE ch.channel = ANY (@channels)
        ),
        inserted AS (
            INSERT INTO notification_events (id, type, certificate_id, channel, recipient, message, threshold_days, alert_expires_at,
                                             status, created_at, updated_at)
            SELECT {{SqlEntityIds.Expression(IdPrefix.NotificationEvent, "id_time")}}, 'ExpirationWarning', r.id, r.channel, r.recipient,
                   CASE WHEN r.expires_at <= @now
                        THEN format('[EXPIRED] Certificate %s (%s) expired on %s. Immediate action required.',
                                    r.name, r.common_name, to_char(r.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"'))
                        ELSE format('Certificate %s (%s) will expire %s (%s). Please schedule renewal.',
                                    r.name, r.common_name,
                                    CASE WHEN r.expires_at - @now < interval '1 day' THEN 'within a day'
                                         ELSE 'in ' || extract(day FROM r.expires_at - @now)::int || ' days' END,
                                    to_char(r.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"'))
                   END,
                   r.threshold, r.expires_at, 'pending', @now, @now
            FROM routed r
            WHERE r.recipient IS NOT NULL
              -- Already alerted: skipped by an index probe, cheaper than a conflicting insert; ON CONFLICT still settles races.
              AND NOT EXISTS (
                  SELECT 1 FROM notification_events e
                  WHERE e.type = 'ExpirationWarning' AND e.certificate_id = r.id AND e.threshold_days = r.threshold
                    AND e.channel = r.channel AND e.alert_expires_at = r.expires_at)
            ON CONFLICT DO NOTHING
            RETURNING certificate_id, channel, threshold_days
        )
        SELECT r.channel, r.threshold, count(*)::int AS due, count(i.certificate_id)::int AS created
        FROM routed r
        LEFT JOIN inserted i ON i.certificate_id = r.id AND i.channel = r.channel AND i.threshold_days = r.threshold
        WHERE r.recipient IS NOT NULL
        GROUP BY r.channel, r.threshold
        """;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var channels = settings.EnabledChannels();
        if (channels.Length == 0)
        {
            return 0; // nothing could deliver them; when a channel is configured the next run writes what is due then
        }

        var now = timeProvider.GetUtcNow();
        await using var command = dataSource.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
        command.Parameters.Add(new NpgsqlParameter<string>("id_time", SqlEntityIds.TimestampPart(now)));
        command.Parameters.Add(new NpgsqlParameter<string[]>("channels", channels));
        command.Parameters.Add(new NpgsqlParameter<string>("fallback_email", settings.FallbackEmail?.Trim() ?? ""));
        var created = 0;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var (channel, threshold, due, inserted) = (reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3));
                metrics.ExpiryAlerts(channel, threshold, inserted, due - inserted);
                created += inserted;
            }
        }

        if (created > 0)
        {
            delivery?.Wake(); // send them now, not at the delivery loop's next tick
        }

        return created;
    }
}
