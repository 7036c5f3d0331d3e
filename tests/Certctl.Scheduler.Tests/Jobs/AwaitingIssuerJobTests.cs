using Certctl.Scheduler.Dispatch;
using Certctl.Scheduler.Leases;
using Certctl.Scheduler.Retry;
using Certctl.Scheduler.Timeouts;

namespace Certctl.Scheduler.Tests.Jobs;

/// <summary>
/// A job parked in AwaitingIssuer belongs to the CA connector's poller: no scheduler loop moves it, spends its attempts or
/// counts it against the renewal concurrency, however stale it looks.
/// </summary>
public sealed class AwaitingIssuerJobTests(MigratedDatabaseFixture<AwaitingIssuerJobTests> fixture) : IClassFixture<MigratedDatabaseFixture<AwaitingIssuerJobTests>>
{
    [Fact]
    public async Task No_scheduler_loop_touches_a_job_awaiting_its_issuer()
    {
        await using var db = new Database(fixture.ConnectionString);
        var now = db.Clock.GetUtcNow();
        var certificate = await db.Rows.CertificateAsync(TimeSpan.FromDays(1), status: "RenewalInProgress");
        // Parked for days, a stale lease left behind, its next poll long due: everything a sweeper might mistake for lost work.
        var parked = await db.Rows.JobAsync(certificate, "AwaitingIssuer", attempts: 1, updatedAgo: TimeSpan.FromDays(30),
            leaseExpiresAt: now.AddDays(-30), lastError: "DigiCert order 1001 is pending.");
        var before = await db.Rows.JobRowAsync(parked);

        await using var bus = await TestBus.StartAsync();
        await new LeaseSweeper(db.DataSource, db.Clock).RunAsync(CancellationToken.None);
        await new JobTimeoutReaper(db.DataSource, db.Clock, Settings.Of()).RunAsync(CancellationToken.None);
        await new JobRetry(db.DataSource, db.Clock, Settings.Of()).RunAsync(CancellationToken.None);
        await new JobDispatcher(db.DataSource, bus.Bus, db.Clock, Settings.Of(o => o.RenewalConcurrency = 1000)).RunAsync(CancellationToken.None);

        Assert.Equal(before, await db.Rows.JobRowAsync(parked));
        Assert.Equal("RenewalInProgress", await db.Rows.CertificateStatusAsync(certificate));
        Assert.DoesNotContain(bus.Published<Contracts.IssueCertificate>(), command => command.JobId == parked);
    }

    [Fact]
    public async Task A_job_awaiting_its_issuer_holds_no_renewal_concurrency_slot()
    {
        await using var db = new Database(fixture.ConnectionString);
        await using var bus = await TestBus.StartAsync();
        // Dispatch whatever else is due first (the demo seed's jobs), so the one free slot below is this test's.
        await new JobDispatcher(db.DataSource, bus.Bus, db.Clock, Settings.Of(o => o.RenewalConcurrency = 100_000)).RunAsync(CancellationToken.None);
        await db.Rows.JobAsync(await db.Rows.CertificateAsync(TimeSpan.FromDays(1)), "AwaitingIssuer", attempts: 1);
        var pending = await db.Rows.JobAsync(await db.Rows.CertificateAsync(TimeSpan.FromDays(1)), "Pending");
        var running = await Sql.ScalarAsync<long>(fixture.ConnectionString, "SELECT count(*) FROM jobs WHERE status = 'Running' AND type IN ('Issuance', 'Renewal')");

        await new JobDispatcher(db.DataSource, bus.Bus, db.Clock, Settings.Of(o => o.RenewalConcurrency = (int)running + 1)).RunAsync(CancellationToken.None);

        Assert.Equal("Running", (await db.Rows.JobRowAsync(pending))["status"]);
    }
}
