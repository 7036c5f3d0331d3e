using Certctl.Scheduler.Renewal;

namespace Certctl.Scheduler.Tests.Renewal;

/// <summary>The renewal scan's ARI branch: a certificate is due when the renewal time chosen in its CA's suggested window has passed.</summary>
public sealed class RenewalScanAriTests(MigratedDatabaseFixture<RenewalScanAriTests> fixture) : IClassFixture<MigratedDatabaseFixture<RenewalScanAriTests>>
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    [Fact]
    public async Task A_passed_ari_renewal_time_makes_a_certificate_due_before_its_policy_window_opens()
    {
        await using var db = new Database(fixture.ConnectionString);
        var policy = await db.Rows.PolicyAsync(windowDays: 30);
        var certificate = await db.Rows.CertificateAsync(60 * Day, policy);
        await RenewalInfoAsync(db, certificate, 60 * Day, renewAt: db.Clock.GetUtcNow() - TimeSpan.FromMinutes(1));

        var created = await new RenewalScan(db.DataSource, db.Clock).RunAsync(CancellationToken.None);

        Assert.Equal(1, created);
        Assert.Equal("Renewal", (await db.Rows.OnlyJobAsync(certificate))!["type"]);
        Assert.Equal("RenewalInProgress", await db.Rows.CertificateStatusAsync(certificate));
        var audit = await Sql.ScalarAsync<string>(fixture.ConnectionString,
            "SELECT details::text FROM audit_events WHERE action = 'renewal_jobs_created' ORDER BY id DESC LIMIT 1");
        Assert.Contains("\"ari_window_reached\": 1", audit);
    }

    [Fact]
    public async Task A_future_ari_renewal_time_with_the_policy_window_closed_is_not_due()
    {
        await using var db = new Database(fixture.ConnectionString);
        var policy = await db.Rows.PolicyAsync(windowDays: 30);
        var certificate = await db.Rows.CertificateAsync(60 * Day, policy);
        await RenewalInfoAsync(db, certificate, 60 * Day, renewAt: db.Clock.GetUtcNow() + TimeSpan.FromMinutes(1));

        await new RenewalScan(db.DataSource, db.Clock).RunAsync(CancellationToken.None);

        Assert.Null(await db.Rows.OnlyJobAsync(certificate));
        Assert.Equal("Active", await db.Rows.CertificateStatusAsync(certificate));
    }

    [Fact]
    public async Task An_open_policy_window_is_due_whatever_ari_says()
    {
        await using var db = new Database(fixture.ConnectionString);
        var policy = await db.Rows.PolicyAsync(windowDays: 30);
        var laterByAri = await db.Rows.CertificateAsync(10 * Day, policy);
        await RenewalInfoAsync(db, laterByAri, 10 * Day, renewAt: db.Clock.GetUtcNow() + 5 * Day);
        var noWindow = await db.Rows.CertificateAsync(10 * Day, policy);
        await RenewalInfoAsync(db, noWindow, 10 * Day, renewAt: null);

        await new RenewalScan(db.DataSource, db.Clock).RunAsync(CancellationToken.None);

        Assert.NotNull(await db.Rows.OnlyJobAsync(laterByAri));
        Assert.NotNull(await db.Rows.OnlyJobAsync(noWindow));
    }

    [Fact]
    public async Task A_renewal_time_learned_for_a_replaced_version_does_not_renew_the_new_one()
    {
        await using var db = new Database(fixture.ConnectionString);
        var policy = await db.Rows.PolicyAsync(windowDays: 30);
        // The row still describes the version that expired in 5 days; the certificate has since been renewed to 90 days.
        var renewed = await db.Rows.CertificateAsync(90 * Day, policy);
        await RenewalInfoAsync(db, renewed, 5 * Day, renewAt: db.Clock.GetUtcNow() - Day);

        await new RenewalScan(db.DataSource, db.Clock).RunAsync(CancellationToken.None);

        Assert.Null(await db.Rows.OnlyJobAsync(renewed));
    }

    [Theory]
    [InlineData("Revoked")]
    [InlineData("RenewalInProgress")]
    public async Task A_passed_ari_time_does_not_renew_certificates_the_scan_leaves_alone(string status)
    {
        await using var db = new Database(fixture.ConnectionString);
        var certificate = await db.Rows.CertificateAsync(60 * Day, status: status);
        await RenewalInfoAsync(db, certificate, 60 * Day, renewAt: db.Clock.GetUtcNow() - Day);

        await new RenewalScan(db.DataSource, db.Clock).RunAsync(CancellationToken.None);

        Assert.Null(await db.Rows.OnlyJobAsync(certificate));
    }

    [Fact]
    public async Task Auto_renew_off_ignores_ari_too()
    {
        await using var db = new Database(fixture.ConnectionString);
        var manual = await db.Rows.PolicyAsync(autoRenew: false);
        var certificate = await db.Rows.CertificateAsync(60 * Day, manual);
        await RenewalInfoAsync(db, certificate, 60 * Day, renewAt: db.Clock.GetUtcNow() - Day);

        await new RenewalScan(db.DataSource, db.Clock).RunAsync(CancellationToken.None);

        Assert.Null(await db.Rows.OnlyJobAsync(certificate));
    }

    // What the CA connector's ARI poller leaves: a row for the version expiring at now + versionExpiresIn, with a window around renewAt.
    private static async Task RenewalInfoAsync(Database db, string certificateId, TimeSpan versionExpiresIn, DateTimeOffset? renewAt)
    {
        var now = db.Clock.GetUtcNow();
        var versionId = Rows.Unique("cv");
        await Sql.ExecuteAsync(db.Rows.ConnectionString,
            """
            INSERT INTO certificate_versions (id, certificate_id, issuer_id, serial_number, not_before, not_after, fingerprint_sha256, pem_chain, authority_key_identifier)
            VALUES ($1, $2, $3, 'abc', $4, $5, $1, '-', '0102')
            """,
            versionId, certificateId, Rows.Issuer, now - 10 * Day, now + versionExpiresIn);
        await Sql.ExecuteAsync(db.Rows.ConnectionString,
            """
            INSERT INTO certificate_renewal_info (certificate_id, version_id, issuer_id, not_after, window_start, window_end, renew_at, next_poll_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """,
            certificateId, versionId, Rows.Issuer, now + versionExpiresIn, renewAt - Day, renewAt + Day, renewAt, now + Day);
    }
}
