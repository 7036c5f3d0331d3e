using Certctl.Scheduler.Expiry;
using Certctl.Scheduler.Tests.Notifications;

namespace Certctl.Scheduler.Tests.Expiry;

/// <summary>The short-lived expiry loop against a real Postgres.</summary>
public sealed class ShortLivedExpiryTests(MigratedDatabaseFixture<ShortLivedExpiryTests> fixture) : IClassFixture<MigratedDatabaseFixture<ShortLivedExpiryTests>>
{
    [Fact]
    public async Task Short_lived_certificates_past_expiry_become_expired_with_an_audit_row_and_nothing_else_changes()
    {
        await using var db = new Database(fixture.ConnectionString);
        var rows = new NotificationRows(fixture.ConnectionString, db.Clock.GetUtcNow());
        var shortLived = await rows.ShortLivedProfileAsync();
        var expired = await db.Rows.CertificateAsync(TimeSpan.FromSeconds(-10), profileId: shortLived);
        var expiring = await db.Rows.CertificateAsync(TimeSpan.FromSeconds(-10), profileId: shortLived, status: "Expiring");
        var stillValid = await db.Rows.CertificateAsync(TimeSpan.FromMinutes(2), profileId: shortLived);
        var revoked = await db.Rows.CertificateAsync(TimeSpan.FromSeconds(-10), profileId: shortLived, status: "Revoked");
        var ordinary = await db.Rows.CertificateAsync(TimeSpan.FromSeconds(-10)); // not short-lived: the renewal and alert paths own it
        var loop = new ShortLivedExpiry(db.DataSource, db.Clock);

        var changed = await loop.RunAsync(CancellationToken.None);
        var again = await loop.RunAsync(CancellationToken.None);

        Assert.Equal("Expired", await db.Rows.CertificateStatusAsync(expired));
        Assert.Equal("Expired", await db.Rows.CertificateStatusAsync(expiring));
        Assert.Equal("Active", await db.Rows.CertificateStatusAsync(stillValid));
        Assert.Equal("Revoked", await db.Rows.CertificateStatusAsync(revoked));
        Assert.Equal("Active", await db.Rows.CertificateStatusAsync(ordinary));
        Assert.Equal(2, changed);
        Assert.Equal(0, again);
        foreach (var certificate in new[] { expired, expiring })
        {
            Assert.Equal(1L, await Sql.ScalarAsync<long>(fixture.ConnectionString,
                "SELECT count(*) FROM audit_events WHERE action = 'short_lived_cert_expired' AND resource_id = $1 AND actor_type = 'System'", certificate));
        }

        db.Clock.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(1, await loop.RunAsync(CancellationToken.None));
        Assert.Equal("Expired", await db.Rows.CertificateStatusAsync(stillValid));
    }

    [Fact]
    public async Task Replicas_running_at_once_expire_and_audit_each_certificate_once()
    {
        await using var db = new Database(fixture.ConnectionString);
        var rows = new NotificationRows(fixture.ConnectionString, db.Clock.GetUtcNow());
        var shortLived = await rows.ShortLivedProfileAsync();
        var certificates = new List<string>();
        for (var i = 0; i < 25; i++)
        {
            certificates.Add(await db.Rows.CertificateAsync(TimeSpan.FromSeconds(-1), profileId: shortLived));
        }

        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => new ShortLivedExpiry(db.DataSource, db.Clock).RunAsync(CancellationToken.None))));

        Assert.Equal(25L, await Sql.ScalarAsync<long>(fixture.ConnectionString,
            "SELECT count(*) FROM audit_events WHERE action = 'short_lived_cert_expired' AND resource_id = ANY($1)", new object[] { certificates.ToArray() }));
        Assert.Equal(25L, await Sql.ScalarAsync<long>(fixture.ConnectionString,
            "SELECT count(*) FROM managed_certificates WHERE status = 'Expired' AND id = ANY($1)", new object[] { certificates.ToArray() }));
    }
}
