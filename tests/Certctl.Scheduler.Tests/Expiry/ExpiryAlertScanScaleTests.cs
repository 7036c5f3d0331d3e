using System.Diagnostics;
using System.Diagnostics.Metrics;
using Certctl.Scheduler.Expiry;
using Certctl.Scheduler.Notifications;
using Certctl.Scheduler.Tests.Notifications;

namespace Certctl.Scheduler.Tests.Expiry;

/// <summary>
/// The renewal scan's figure for the expiry alert scan: one scan over 100,000 certificates under 5 s. As in the renewal scan's test, every
/// 50th certificate lies inside 30 days and the rest expire in 31 to 100 days: the first scan writes 4,000 alerts (2,000 certificates on
/// Email and Webhook), the second finds every one of them already written.
/// </summary>
public sealed class ExpiryAlertScanScaleTests(MigratedDatabaseFixture<ExpiryAlertScanScaleTests> fixture, ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<ExpiryAlertScanScaleTests>>
{
    private const int Certificates = 100_000;

    [Fact]
    public async Task One_scan_over_100000_certificates_takes_under_five_seconds()
    {
        await using var db = new Database(fixture.ConnectionString);
        var rows = new NotificationRows(fixture.ConnectionString, db.Clock.GetUtcNow());
        var owner = await rows.OwnerAsync("owner@example.com");
        var policy = await rows.AlertPolicyAsync([30, 14, 7, 0], channels: """{"informational":["Email","Webhook"],"warning":["Email","Webhook"],"critical":["Email","Webhook"]}""");
        await Sql.ExecuteAsync(fixture.ConnectionString,
            """
            INSERT INTO managed_certificates (id, name, common_name, issuer_id, renewal_policy_id, owner_id, keygen_mode, status, expires_at)
            SELECT 'mc-alert-' || i, 'mc-alert-' || i, 'alert-' || i || '.example.com', 'iss-local', $1, $2, 'server', 'Active',
                   $3::timestamptz + CASE WHEN i % 50 = 0 THEN make_interval(days => 20) ELSE make_interval(days => 31 + i % 70) END
            FROM generate_series(1, $4) AS i
            """,
            policy, owner, db.Clock.GetUtcNow(), Certificates);
        await Sql.ExecuteAsync(fixture.ConnectionString, "VACUUM ANALYZE managed_certificates");
        using var meter = new Meter("Certctl.Scheduler.Tests.ExpiryScale");
        var scan = new ExpiryAlertScan(db.DataSource, db.Clock, Channels.Both(), new NotificationMetrics(meter));

        var stopwatch = Stopwatch.StartNew();
        var created = await scan.RunAsync(CancellationToken.None);
        var first = stopwatch.Elapsed;
        stopwatch.Restart();
        var again = await scan.RunAsync(CancellationToken.None);
        var second = stopwatch.Elapsed;
        output.WriteLine($"expiry alert scan over {Certificates} certificates: {created} alerts in {first.TotalMilliseconds:F0} ms; "
            + $"repeat: {again} alerts in {second.TotalMilliseconds:F0} ms");

        var alerted = await Sql.ScalarAsync<long>(fixture.ConnectionString,
            "SELECT count(DISTINCT certificate_id) FROM notification_events WHERE certificate_id LIKE 'mc-alert-%'");
        Assert.Equal(2_000L, alerted);
        Assert.Equal(2 * alerted, await Sql.ScalarAsync<long>(fixture.ConnectionString,
            "SELECT count(*) FROM notification_events WHERE certificate_id LIKE 'mc-alert-%'"));
        Assert.Equal(0, again);
        Assert.InRange(first, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        Assert.InRange(second, TimeSpan.Zero, TimeSpan.FromSeconds(5));
    }
}
