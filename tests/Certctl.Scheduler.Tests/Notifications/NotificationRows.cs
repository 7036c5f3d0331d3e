using Certctl.Scheduler.Notifications;

namespace Certctl.Scheduler.Tests.Notifications;

/// <summary>Arranges owners, alert policies and notification rows, and reads back what the notification code wrote.</summary>
internal sealed class NotificationRows(string connectionString, DateTimeOffset now)
{
    public async Task<string> OwnerAsync(string email)
    {
        var id = Rows.Unique("own");
        await Sql.ExecuteAsync(connectionString, "INSERT INTO owners (id, name, email, team_id) VALUES ($1, $1, $2, 't-platform')", id, email);
        return id;
    }

    public Task SetOwnerAsync(string certificateId, string ownerId) =>
        Sql.ExecuteAsync(connectionString, "UPDATE managed_certificates SET owner_id = $2 WHERE id = $1", certificateId, ownerId);

    public async Task<string> AlertPolicyAsync(int[] thresholds, string channels = "{}", string severityMap = "{}")
    {
        var id = Rows.Unique("rp");
        await Sql.ExecuteAsync(connectionString,
            "INSERT INTO renewal_policies (id, name, alert_thresholds_days, alert_channels, alert_severity_map) VALUES ($1, $1, $2, $3::jsonb, $4::jsonb)",
            id, thresholds, channels, severityMap);
        return id;
    }

    public async Task<string> ShortLivedProfileAsync()
    {
        var id = Rows.Unique("prof");
        await Sql.ExecuteAsync(connectionString,
            "INSERT INTO certificate_profiles (id, name, allow_short_lived, max_ttl_seconds) VALUES ($1, $1, TRUE, 300)", id);
        return id;
    }

    /// <summary>A notification row as a writer would leave it, for the delivery tests.</summary>
    public async Task<string> PendingAsync(string channel, string recipient = "", string? certificateId = null, string message = "hello")
    {
        var id = Rows.Unique("ne");
        await Sql.ExecuteAsync(connectionString,
            """
            INSERT INTO notification_events (id, type, certificate_id, channel, recipient, message, status, created_at, updated_at)
            VALUES ($1, 'RenewalSuccess', $2, $3, $4, $5, 'pending', $6, $6)
            """,
            id, certificateId, channel, recipient, message, now);
        return id;
    }

    public Task<List<Dictionary<string, object?>>> ForCertificateAsync(string certificateId) =>
        Sql.RowsAsync(connectionString, "SELECT * FROM notification_events WHERE certificate_id = $1 ORDER BY threshold_days, channel", certificateId);

    public async Task<Dictionary<string, object?>> RowAsync(string id) =>
        (await Sql.RowsAsync(connectionString, "SELECT * FROM notification_events WHERE id = $1", id)).Single();
}
