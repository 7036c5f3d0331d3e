using System.Diagnostics.Metrics;
using Certctl.Scheduler.Expiry;
using Certctl.Scheduler.Notifications;
using Certctl.Scheduler.Tests.Notifications;
using Microsoft.Extensions.Options;

namespace Certctl.Scheduler.Tests.Expiry;

/// <summary>The expiry alert scan against a real Postgres: thresholds, most-urgent-only, routing, recipients and de-duplication.</summary>
public sealed class ExpiryAlertScanTests(MigratedDatabaseFixture<ExpiryAlertScanTests> fixture)
    : IClassFixture<MigratedDatabaseFixture<ExpiryAlertScanTests>>, IDisposable
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);
    private readonly Meter _meter = new("Certctl.Scheduler.Tests.ExpiryAlerts");

    public void Dispose() => _meter.Dispose();

    [Fact]
    public async Task A_certificate_inside_30_days_gets_one_email_alert_to_its_owner_and_a_second_scan_writes_nothing()
    {
        await using var db = new Database(fixture.ConnectionString);
        var rows = new NotificationRows(fixture.ConnectionString, db.Clock.GetUtcNow());
        var certificate = await OwnedCertificateAsync(db, rows, 20 * Day);
        var scan = Scan(db);

        await scan.RunAsync(CancellationToken.None);
        var second = await scan.RunAsync(CancellationToken.None);

        var alert = Assert.Single(await rows.ForCertificateAsync(certificate));
        Assert.Equal("ExpirationWarning", alert["type"]);
        Assert.Equal("Email", alert["channel"]); // an empty alert_channels map means Email on every tier
        Assert.Equal("owner@example.com", alert["recipient"]);
        Assert.Equal(30, alert["threshold_days"]);
        Assert.Equal("pending", alert["status"]);
        Assert.Equal(db.Clock.GetUtcNow() + (20 * Day), ((DateTime)alert["alert_expires_at"]!).ToUniversalTime(), TimeSpan.FromMilliseconds(1));
        Assert.Contains("will expire in 20 days", (string)alert["message"]!, StringComparison.Ordinal);
        Assert.Equal(0, second);
    }

    [Fact]
    public async Task Only_the_most_urgent_crossed_threshold_alerts_and_expiry_alerts_at_zero()
    {
        await using var db = new Database(fixture.ConnectionString);
        var rows = new NotificationRows(fixture.ConnectionString, db.Clock.GetUtcNow());
        var certificate = await OwnedCertificateAsync(db, rows, 5 * Day);
        var scan = Scan(db);

        await scan.RunAsync(CancellationToken.None);
        Assert.Equal([7], (await rows.ForCertificateAsync(certificate)).Select(row => (int)row["threshold_days"]!));

        db.Clock.Advance((5 * Day) + TimeSpan.FromMinutes(1));
        await scan.RunAsync(CancellationToken.None);

        var alerts = await rows.ForCertificateAsync(certificate);
        Assert.Equal([0, 7], alerts.Select(row => (int)row["threshold_days"]!));
        Assert.StartsWith("[EXPIRED] Certificate", (string)alerts[0]["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Crossing_the_next_threshold_later_adds_its_alert()
    {
        await using var db = new Database(fixture.ConnectionString);
        var rows = new NotificationRows(fixture.ConnectionString, db.Clock.GetUtcNow());
        var certificate = await OwnedCertificateAsync(db, rows, 20 * Day);
        var scan = Scan(db);

        await scan.RunAsync(CancellationToken.None);
        db.Clock.Advance(3 * Day); // 17 days left: still only the 30-day threshold
        await scan.RunAsync(CancellationToken.None);
        Assert.Single(await rows.ForCertificateAsync(certificate));
        db.Clock.Advance(4 * Day); // 13 days left
        await scan.RunAsync(CancellationToken.None);

        Assert.Equal([14, 30], (await rows.ForCertificateAsync(certificate)).Select(row => (int)row["threshold_days"]!));
    }

    [Fact]
    public async Task The_policy_routes_each_tier_to_its_channels_and_channels_without_a_sender_are_skipped()
    {
        await using var db = new Database(fixture.ConnectionString);
        var rows = new NotificationRows(fixture.ConnectionString, db.Clock.GetUtcNow());
        var policy = await rows.AlertPolicyAsync([10, 3],
            channels: """{"warning":["Webhook","Slack"],"critical":["Email","Webhook"]}""",
            severityMap: """{"10":"warning","3":"critical"}""");
        var certificate = await OwnedCertificateAsync(db, rows, 8 * Day, policy);
        // 20 is in neither severity map: informational, which this policy sends to the webhook.
        var informational = await rows.AlertPolicyAsync([20], channels: """{"informational":["Webhook"]}""");
        var other = await db.Rows.CertificateAsync(15 * Day, informational);
        var scan = Scan(db);

        await scan.RunAsync(CancellationToken.None);
        var warning = Assert.Single(await rows.ForCertificateAsync(certificate));
        Assert.Equal(("Webhook", 10, ""), ((string)warning["channel"]!, (int)warning["threshold_days"]!, (string)warning["recipient"]!));
        Assert.Equal(("Webhook", 20), Assert.Single(await rows.ForCertificateAsync(other)) is var o ? ((string)o["channel"]!, (int)o["threshold_days"]!) : default);

        db.Clock.Advance(6 * Day); // 2 days left: critical
        await scan.RunAsync(CancellationToken.None);

        var critical = (await rows.ForCertificateAsync(certificate)).Where(row => (int)row["threshold_days"]! == 3).ToList();
        Assert.Equal(["Email", "Webhook"], critical.Select(row => (string)row["channel"]!));
        Assert.Equal("owner@example.com", critical[0]["recipient"]);
    }

    [Fact]
    public async Task A_renewed_certificate_is_alerted_again_before_its_new_expiry()
    {
        await using var db = new Database(fixture.ConnectionString);
        var rows = new NotificationRows(fixture.ConnectionString, db.Clock.GetUtcNow());
        var certificate = await OwnedCertificateAsync(db, rows, 5 * Day);
        var scan = Scan(db);
        await scan.RunAsync(CancellationToken.None);

        await Sql.ExecuteAsync(fixture.ConnectionString, "UPDATE managed_certificates SET expires_at = expires_at + interval '1 day' WHERE id = $1", certificate);
        await scan.RunAsync(CancellationToken.None);

        var alerts = await rows.ForCertificateAsync(certificate);
        Assert.Equal(2, alerts.Count);
        Assert.All(alerts, alert => Assert.Equal(7, alert["threshold_days"]));
        Assert.Equal(2, alerts.Select(alert => alert["alert_expires_at"]).Distinct().Count());
    }

    [Theory]
    [InlineData("Revoked")]
    [InlineData("Archived")]
    [InlineData("RenewalInProgress")]
    [InlineData("Pending")]
    public async Task Retired_renewing_and_never_issued_certificates_get_no_alert(string status)
    {
        await using var db = new Database(fixture.ConnectionString);
        var rows = new NotificationRows(fixture.ConnectionString, db.Clock.GetUtcNow());
        var certificate = await OwnedCertificateAsync(db, rows, 2 * Day, status: status);

        await Scan(db).RunAsync(CancellationToken.None);

        Assert.Empty(await rows.ForCertificateAsync(certificate));
    }

    [Fact]
    public async Task Short_lived_certificates_get_no_alert_noise()
    {
        await using var db = new Database(fixture.ConnectionString);
        var rows = new NotificationRows(fixture.ConnectionString, db.Clock.GetUtcNow());
        var certificate = await OwnedCertificateAsync(db, rows, TimeSpan.FromMinutes(2), profileId: await rows.ShortLivedProfileAsync());
        var scan = Scan(db);

        await scan.RunAsync(CancellationToken.None);
        db.Clock.Advance(TimeSpan.FromMinutes(5));
        await scan.RunAsync(CancellationToken.None);

        Assert.Empty(await rows.ForCertificateAsync(certificate));
    }

    [Fact]
    public async Task E_mail_goes_to_the_owner_else_to_the_fallback_address_else_nowhere()
    {
        await using var db = new Database(fixture.ConnectionString);
        var rows = new NotificationRows(fixture.ConnectionString, db.Clock.GetUtcNow());
        var noEmail = await db.Rows.CertificateAsync(3 * Day);
        await rows.SetOwnerAsync(noEmail, await rows.OwnerAsync(""));
        var unowned = await db.Rows.CertificateAsync(3 * Day);

        await Scan(db, Channels.EmailOnly()).RunAsync(CancellationToken.None);
        Assert.Empty(await rows.ForCertificateAsync(noEmail));
        Assert.Empty(await rows.ForCertificateAsync(unowned));

        await Scan(db, Channels.Both(fallbackEmail: "pki-team@example.com")).RunAsync(CancellationToken.None);
        Assert.Equal("pki-team@example.com", Assert.Single(await rows.ForCertificateAsync(noEmail))["recipient"]);
        Assert.Equal("pki-team@example.com", Assert.Single(await rows.ForCertificateAsync(unowned))["recipient"]);
    }

    [Fact]
    public async Task Scans_on_several_replicas_at_once_write_each_alert_once()
    {
        await using var db = new Database(fixture.ConnectionString);
        var rows = new NotificationRows(fixture.ConnectionString, db.Clock.GetUtcNow());
        var owner = await rows.OwnerAsync("owner@example.com");
        var certificates = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            var certificate = await db.Rows.CertificateAsync(6 * Day);
            await rows.SetOwnerAsync(certificate, owner);
            certificates.Add(certificate);
        }

        var created = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Scan(db).RunAsync(CancellationToken.None))));

        foreach (var certificate in certificates)
        {
            Assert.Single(await rows.ForCertificateAsync(certificate));
        }

        Assert.True(created.Sum() >= certificates.Count, $"the replicas together wrote {created.Sum()}");
    }

    /// <summary>A certificate whose owner has the address <c>owner@example.com</c>.</summary>
    private static async Task<string> OwnedCertificateAsync(
        Database db, NotificationRows rows, TimeSpan expiresIn, string? policyId = null, string? profileId = null, string status = "Active")
    {
        var certificate = await db.Rows.CertificateAsync(expiresIn, policyId, profileId, status: status);
        await rows.SetOwnerAsync(certificate, await rows.OwnerAsync("owner@example.com"));
        return certificate;
    }

    private ExpiryAlertScan Scan(Database db, IOptions<NotificationOptions>? options = null) =>
        new(db.DataSource, db.Clock, options ?? Channels.Both(), new NotificationMetrics(_meter));
}
