using Npgsql;

namespace Certctl.Scheduler.Notifications;

/// <summary>
/// Claims due notification rows and records how their sends ended. A claim is a short transaction with <c>FOR UPDATE SKIP LOCKED</c> that
/// leases the rows (<c>next_retry_at = now + </c><see cref="NotificationRetryPolicy.ClaimLease"/>), so replicas never claim the same row and
/// no transaction stays open while a webhook or SMTP server answers; a replica that dies mid-send leaves rows that are claimed again once
/// their lease ends (at-least-once delivery; receivers de-duplicate by notification id).
/// </summary>
public sealed class NotificationQueue(NpgsqlDataSource dataSource, TimeProvider timeProvider)
{
    private const string Returning = """
        RETURNING n.id, n.type, n.channel, n.recipient, n.message, n.certificate_id, due.name, due.common_name,
                  n.threshold_days, n.alert_expires_at, n.retry_count, n.created_at
        """;

    private const string ClaimPending = $"""
        UPDATE notification_events n SET next_retry_at = @lease_until, updated_at = @now
        FROM (SELECT e.id, c.name, c.common_name
              FROM notification_events e
              LEFT JOIN managed_certificates c ON c.id = e.certificate_id
              WHERE e.status = 'pending' AND (e.next_retry_at IS NULL OR e.next_retry_at <= @now)
              ORDER BY e.created_at, e.id
              LIMIT @batch
              FOR UPDATE OF e SKIP LOCKED) due
        WHERE n.id = due.id
        {Returning}
        """;

    private const string ClaimRetry = $"""
        UPDATE notification_events n SET next_retry_at = @lease_until, updated_at = @now
        FROM (SELECT e.id, c.name, c.common_name
              FROM notification_events e
              LEFT JOIN managed_certificates c ON c.id = e.certificate_id
              WHERE e.status = 'failed' AND e.next_retry_at <= @now
              ORDER BY e.next_retry_at, e.id
              LIMIT @batch
              FOR UPDATE OF e SKIP LOCKED) due
        WHERE n.id = due.id
        {Returning}
        """;

    // One statement for the whole batch. retry_count counts failed tries; the one that reaches MaxTries (or a permanent failure) is the last.
    // A row not tried keeps its status and count and is claimable again at once.
    private const string Record = """
        UPDATE notification_events n SET
            status = CASE WHEN r.not_tried THEN n.status
                          WHEN r.error IS NULL THEN 'sent'
                          WHEN r.permanent OR n.retry_count + 1 >= @max_tries THEN 'dead'
                          ELSE 'failed' END,
            sent_at = CASE WHEN r.error IS NULL AND NOT r.not_tried THEN @now ELSE n.sent_at END,
            retry_count = CASE WHEN r.error IS NULL THEN n.retry_count ELSE n.retry_count + 1 END,
            last_error = COALESCE(r.error, n.last_error),
            error = CASE WHEN r.not_tried THEN n.error ELSE r.error END,
            next_retry_at = CASE WHEN r.not_tried THEN CASE WHEN n.status = 'pending' THEN NULL ELSE @now END
                                 WHEN r.error IS NULL OR r.permanent OR n.retry_count + 1 >= @max_tries THEN NULL
                                 ELSE @now + LEAST(@backoff_base * power(2, n.retry_count), @backoff_max) * interval '1 second' END,
            updated_at = @now
        FROM unnest(@ids, @errors, @permanent, @not_tried) AS r(id, error, permanent, not_tried)
        WHERE n.id = r.id
        RETURNING n.id, n.channel, CASE WHEN r.not_tried THEN 'not_tried' ELSE n.status END
        """;

    /// <summary>Claims up to <paramref name="batch"/> due rows of the backlog.</summary>
    public async Task<IReadOnlyList<Notification>> ClaimAsync(NotificationBacklog backlog, int batch, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var command = dataSource.CreateCommand(backlog == NotificationBacklog.Pending ? ClaimPending : ClaimRetry);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("lease_until", now + NotificationRetryPolicy.ClaimLease));
        command.Parameters.Add(new NpgsqlParameter<int>("batch", batch));
        var claimed = new List<Notification>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed.Add(new Notification(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetInt32(8),
                reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9),
                reader.GetInt32(10),
                reader.GetFieldValue<DateTimeOffset>(11)));
        }

        return claimed;
    }

    /// <summary>
    /// Marks each row <c>sent</c>, <c>failed</c> (with the next try's time) or <c>dead</c>, or releases a row not tried; answers each row's
    /// channel and outcome (its new status, or <c>not_tried</c>).
    /// </summary>
    public async Task<IReadOnlyList<(string Channel, string Status)>> RecordAsync(IReadOnlyList<DeliveryResult> results, CancellationToken cancellationToken)
    {
        if (results.Count == 0)
        {
            return [];
        }

        await using var command = dataSource.CreateCommand(Record);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", timeProvider.GetUtcNow()));
        command.Parameters.Add(new NpgsqlParameter<int>("max_tries", NotificationRetryPolicy.MaxTries));
        command.Parameters.Add(new NpgsqlParameter<double>("backoff_base", NotificationRetryPolicy.BackoffBase.TotalSeconds));
        command.Parameters.Add(new NpgsqlParameter<double>("backoff_max", NotificationRetryPolicy.BackoffMax.TotalSeconds));
        command.Parameters.Add(new NpgsqlParameter<string[]>("ids", [.. results.Select(result => result.Notification.Id)]));
        command.Parameters.Add(new NpgsqlParameter<string?[]>("errors", [.. results.Select(result => Truncate(result.Error))]));
        command.Parameters.Add(new NpgsqlParameter<bool[]>("permanent", [.. results.Select(result => result.Permanent)]));
        command.Parameters.Add(new NpgsqlParameter<bool[]>("not_tried", [.. results.Select(result => result.NotTried)]));
        var recorded = new List<(string, string)>(results.Count);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            recorded.Add((reader.GetString(1), reader.GetString(2)));
        }

        return recorded;
    }

    private static string? Truncate(string? error) => error is { Length: > 2000 } ? error[..2000] : error;
}
