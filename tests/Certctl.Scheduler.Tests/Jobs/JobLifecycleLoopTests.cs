using Certctl.Contracts;
using Certctl.Scheduler.Agents;
using Certctl.Scheduler.Leases;
using Certctl.Scheduler.Retry;
using Certctl.Scheduler.Timeouts;

namespace Certctl.Scheduler.Tests.Jobs;

/// <summary>Retry with backoff, the timeout reaper, the lease sweeper and agent health, each against a real Postgres.</summary>
public sealed class JobLifecycleLoopTests(MigratedDatabaseFixture<JobLifecycleLoopTests> fixture) : IClassFixture<MigratedDatabaseFixture<JobLifecycleLoopTests>>
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    [Fact]
    public async Task Failed_jobs_wait_an_exponential_backoff_before_going_back_to_pending()
    {
        await using var db = new Database(fixture.ConnectionString);
        // Base 1 min: after attempt 1 wait 1 min, after attempt 2 wait 2 min.
        var first = await db.Rows.JobAsync(await db.Rows.CertificateAsync(Day, status: "RenewalInProgress"), "Failed", attempts: 1, updatedAgo: TimeSpan.FromSeconds(61));
        var second = await db.Rows.JobAsync(await db.Rows.CertificateAsync(Day, status: "RenewalInProgress"), "Failed", attempts: 2, updatedAgo: TimeSpan.FromSeconds(61));

        await new JobRetry(db.DataSource, db.Clock, Settings.Of()).RunAsync(CancellationToken.None);

        Assert.Equal("Pending", (await db.Rows.JobRowAsync(first))["status"]);
        Assert.Equal("Failed", (await db.Rows.JobRowAsync(second))["status"]);
        db.Clock.Advance(TimeSpan.FromMinutes(1));
        await new JobRetry(db.DataSource, db.Clock, Settings.Of()).RunAsync(CancellationToken.None);
        Assert.Equal("Pending", (await db.Rows.JobRowAsync(second))["status"]);
    }

    [Fact]
    public async Task A_job_out_of_attempts_shows_the_certificate_failed_with_its_error()
    {
        await using var db = new Database(fixture.ConnectionString);
        var certificate = await db.Rows.CertificateAsync(Day, status: "RenewalInProgress");
        var job = await db.Rows.JobAsync(certificate, "Failed", attempts: 3, maxAttempts: 3, updatedAgo: Day, lastError: "CA said no");

        await new JobRetry(db.DataSource, db.Clock, Settings.Of()).RunAsync(CancellationToken.None);

        Assert.Equal("Failed", (await db.Rows.JobRowAsync(job))["status"]);
        Assert.Equal("Failed", await db.Rows.CertificateStatusAsync(certificate));
        Assert.Equal("CA said no", await Sql.ScalarAsync<string>(fixture.ConnectionString, "SELECT last_error FROM managed_certificates WHERE id = $1", certificate));
    }

    [Fact]
    public async Task Only_the_latest_job_decides_an_older_job_out_of_attempts_leaves_the_certificate_alone()
    {
        await using var db = new Database(fixture.ConnectionString);
        var retried = await db.Rows.CertificateAsync(Day, status: "RenewalInProgress");
        await db.Rows.JobAsync(retried, "Failed", attempts: 3, maxAttempts: 3, updatedAgo: Day * 2, lastError: "old failure");
        var newer = await db.Rows.JobAsync(retried, "Pending", updatedAgo: TimeSpan.FromHours(1));
        var renewedSince = await db.Rows.CertificateAsync(Day, status: "Pending");
        await db.Rows.JobAsync(renewedSince, "Failed", attempts: 3, maxAttempts: 3, updatedAgo: Day * 2);
        await db.Rows.JobAsync(renewedSince, "Completed", attempts: 1, updatedAgo: Day);
        var failedLast = await db.Rows.CertificateAsync(Day, status: "Pending");
        await db.Rows.JobAsync(failedLast, "Completed", attempts: 1, updatedAgo: Day * 2);
        await db.Rows.JobAsync(failedLast, "Failed", attempts: 2, maxAttempts: 2, updatedAgo: Day, lastError: "latest failure");

        await new JobRetry(db.DataSource, db.Clock, Settings.Of()).RunAsync(CancellationToken.None);

        Assert.Equal("RenewalInProgress", await db.Rows.CertificateStatusAsync(retried));
        Assert.Equal("Pending", (await db.Rows.JobRowAsync(newer))["status"]);
        Assert.Equal("Pending", await db.Rows.CertificateStatusAsync(renewedSince));
        Assert.Equal("Failed", await db.Rows.CertificateStatusAsync(failedLast));
        Assert.Equal("latest failure", await Sql.ScalarAsync<string>(fixture.ConnectionString, "SELECT last_error FROM managed_certificates WHERE id = $1", failedLast));
    }

    [Fact]
    public async Task Reaper_fails_stale_csr_waits_and_cancels_stale_approvals_with_the_request_expired()
    {
        await using var db = new Database(fixture.ConnectionString);
        var csrCertificate = await db.Rows.CertificateAsync(Day, status: "RenewalInProgress");
        var staleCsr = await db.Rows.JobAsync(csrCertificate, "AwaitingCSR", updatedAgo: TimeSpan.FromHours(25));
        var freshCsr = await db.Rows.JobAsync(await db.Rows.CertificateAsync(Day), "AwaitingCSR", updatedAgo: TimeSpan.FromHours(23));
        var approvalCertificate = await db.Rows.CertificateAsync(Day, status: "RenewalInProgress");
        var staleApproval = await db.Rows.JobAsync(approvalCertificate, "AwaitingApproval", updatedAgo: TimeSpan.FromHours(169));
        await Sql.ExecuteAsync(fixture.ConnectionString,
            "INSERT INTO issuance_approval_requests (id, certificate_id, job_id, requested_by) VALUES ($1, $2, $3, 'alice')",
            Rows.Unique("ar"), approvalCertificate, staleApproval);

        await new JobTimeoutReaper(db.DataSource, db.Clock, Settings.Of()).RunAsync(CancellationToken.None);

        var csr = await db.Rows.JobRowAsync(staleCsr);
        Assert.Equal("Failed", csr["status"]);
        Assert.Equal(1, csr["attempts"]);
        Assert.Equal("AwaitingCSR", (await db.Rows.JobRowAsync(freshCsr))["status"]);
        Assert.Equal("Cancelled", (await db.Rows.JobRowAsync(staleApproval))["status"]);
        Assert.Equal("expired", await Sql.ScalarAsync<string>(fixture.ConnectionString, "SELECT state FROM issuance_approval_requests WHERE job_id = $1", staleApproval));
        Assert.Equal("Failed", await db.Rows.CertificateStatusAsync(approvalCertificate));

        // Cancelled is final: the retry loop never brings an expired approval back.
        db.Clock.Advance(Day);
        await new JobRetry(db.DataSource, db.Clock, Settings.Of()).RunAsync(CancellationToken.None);
        Assert.Equal("Cancelled", (await db.Rows.JobRowAsync(staleApproval))["status"]);
    }

    [Fact]
    public async Task Lease_sweeper_requeues_lapsed_running_jobs_without_counting_another_attempt()
    {
        await using var db = new Database(fixture.ConnectionString);
        var now = db.Clock.GetUtcNow();
        var lapsed = await db.Rows.JobAsync(await db.Rows.CertificateAsync(Day), "Running", attempts: 1, leaseExpiresAt: now.AddSeconds(-1));
        var last = await db.Rows.JobAsync(await db.Rows.CertificateAsync(Day), "Running", attempts: 3, leaseExpiresAt: now.AddSeconds(-1));
        var leased = await db.Rows.JobAsync(await db.Rows.CertificateAsync(Day), "Running", attempts: 1, leaseExpiresAt: now.AddMinutes(1));

        await new LeaseSweeper(db.DataSource, db.Clock).RunAsync(CancellationToken.None);

        var requeued = await db.Rows.JobRowAsync(lapsed);
        Assert.Equal("Pending", requeued["status"]);
        Assert.Equal(1, requeued["attempts"]);
        Assert.Equal("Failed", (await db.Rows.JobRowAsync(last))["status"]);
        Assert.Equal("Running", (await db.Rows.JobRowAsync(leased))["status"]);
    }

    [Fact]
    public async Task Agents_silent_for_two_heartbeat_intervals_go_offline_once_with_an_event()
    {
        await using var db = new Database(fixture.ConnectionString);
        await using var bus = await TestBus.StartAsync();
        var now = db.Clock.GetUtcNow();
        var silent = Rows.Unique("ag");
        var alive = Rows.Unique("ag");
        var retired = Rows.Unique("ag");
        foreach (var (id, heartbeat, retiredAt) in new[] { (silent, now.AddSeconds(-121), (DateTimeOffset?)null), (alive, now.AddSeconds(-119), null), (retired, now.AddHours(-1), now) })
        {
            await Sql.ExecuteAsync(fixture.ConnectionString,
                "INSERT INTO agents (id, name, hostname, status, last_heartbeat_at, retired_at) VALUES ($1, $1, 'h', 'Online', $2, $3)", id, heartbeat, retiredAt);
        }

        var check = new AgentHealthCheck(db.DataSource, bus.Bus, db.Clock, Settings.Of());
        await check.RunAsync(CancellationToken.None);
        await check.RunAsync(CancellationToken.None);

        Assert.Equal("Offline", await Sql.ScalarAsync<string>(fixture.ConnectionString, "SELECT status FROM agents WHERE id = $1", silent));
        Assert.Equal("Online", await Sql.ScalarAsync<string>(fixture.ConnectionString, "SELECT status FROM agents WHERE id = $1", alive));
        Assert.Equal("Online", await Sql.ScalarAsync<string>(fixture.ConnectionString, "SELECT status FROM agents WHERE id = $1", retired));
        var offline = Assert.Single(bus.Published<AgentWentOffline>(), e => e.AgentId == silent);
        Assert.Equal(now.AddSeconds(-121), offline.LastHeartbeatAt);
        Assert.DoesNotContain(bus.Published<AgentWentOffline>(), e => e.AgentId == alive || e.AgentId == retired);
    }
}
