using Certctl.Contracts;
using Certctl.Domain;
using Certctl.Scheduler.Dispatch;
using Certctl.Scheduler.Loops;

namespace Certctl.Scheduler.Tests.Jobs;

public sealed class JobDispatcherTests(MigratedDatabaseFixture<JobDispatcherTests> fixture) : IClassFixture<MigratedDatabaseFixture<JobDispatcherTests>>
{
    [Fact]
    public async Task Claims_pending_server_jobs_runs_them_with_a_lease_and_publishes_issue_certificate()
    {
        await using var db = new Database(fixture.ConnectionString);
        await using var bus = await TestBus.StartAsync();
        var certificate = await db.Rows.CertificateAsync(TimeSpan.FromDays(5));
        var job = await db.Rows.JobAsync(certificate, "Pending");
        var dispatcher = new JobDispatcher(db.DataSource, bus.Bus, db.Clock, Settings.Of(o => o.RenewalConcurrency = 1000));

        await dispatcher.RunAsync(CancellationToken.None);

        var row = await db.Rows.JobRowAsync(job);
        Assert.Equal("Running", row["status"]);
        Assert.Equal(1, row["attempts"]);
        Assert.Equal(db.Clock.GetUtcNow() + TimeSpan.FromMinutes(5), new DateTimeOffset((DateTime)row["lease_expires_at"]!));
        var command = Assert.Single(bus.Published<IssueCertificate>(), c => c.JobId == job);
        Assert.Equal(certificate, command.CertificateId);
        Assert.Equal(Rows.Issuer, command.IssuerId);
        Assert.Equal(KeygenMode.Server, command.KeygenMode);
        Assert.Equal(1, command.Attempt);
    }

    [Fact]
    public async Task While_a_job_waits_for_a_slot_it_wakes_itself_after_the_busy_interval_and_not_once_none_waits()
    {
        await using var db = new Database(fixture.ConnectionString);
        await using var bus = await TestBus.StartAsync();
        await Sql.ExecuteAsync(fixture.ConnectionString, "UPDATE jobs SET status = 'Cancelled' WHERE status IN ('Pending', 'Running')");
        await db.Rows.JobAsync(await db.Rows.CertificateAsync(TimeSpan.FromDays(5)), "Pending");
        await db.Rows.JobAsync(await db.Rows.CertificateAsync(TimeSpan.FromDays(5)), "Pending");
        var wakeup = new LoopWakeup();
        using var dispatcher = new JobDispatcher(
            db.DataSource, bus.Bus, db.Clock, Settings.Of(o => { o.RenewalConcurrency = 1; o.DispatchBusyInterval = "20ms"; }), wakeup);

        await dispatcher.RunAsync(CancellationToken.None);   // one slot: one job runs, the other waits for it
        var next = wakeup.NextAsync();
        db.Clock.Advance(TimeSpan.FromMilliseconds(19));
        Assert.False(next.IsCompleted);
        db.Clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(next.IsCompleted);
        await wakeup.NextAsync();   // the loop takes that wake (and arms the next signal)

        await Sql.ExecuteAsync(fixture.ConnectionString, "UPDATE jobs SET status = 'Completed' WHERE status = 'Running'");
        await dispatcher.RunAsync(CancellationToken.None);   // the freed slot takes the waiting job; nothing is left waiting
        Assert.Equal(2, bus.Published<IssueCertificate>().Count());
        var idle = wakeup.NextAsync();
        db.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(idle.IsCompleted);
    }

    [Fact]
    public async Task Agent_key_jobs_without_a_csr_wait_for_it_and_jobs_not_yet_due_stay_pending()
    {
        await using var db = new Database(fixture.ConnectionString);
        await using var bus = await TestBus.StartAsync();
        var agentCertificate = await db.Rows.CertificateAsync(TimeSpan.FromDays(5), keygenMode: "agent");
        var agentJob = await db.Rows.JobAsync(agentCertificate, "Pending");
        var later = await db.Rows.JobAsync(await db.Rows.CertificateAsync(TimeSpan.FromDays(5)), "Pending");
        await Sql.ExecuteAsync(fixture.ConnectionString, "UPDATE jobs SET next_attempt_at = $2 WHERE id = $1", later, db.Clock.GetUtcNow().AddMinutes(5));

        await new JobDispatcher(db.DataSource, bus.Bus, db.Clock, Settings.Of(o => o.RenewalConcurrency = 1000)).RunAsync(CancellationToken.None);

        var parked = await db.Rows.JobRowAsync(agentJob);
        Assert.Equal("AwaitingCSR", parked["status"]);
        Assert.Equal(0, parked["attempts"]);
        Assert.Equal("Pending", (await db.Rows.JobRowAsync(later))["status"]);
        Assert.DoesNotContain(bus.Published<IssueCertificate>(), c => c.JobId == agentJob || c.JobId == later);
    }

    [Fact]
    public async Task Never_more_running_issuance_jobs_than_the_concurrency_cap()
    {
        await using var db = new Database(fixture.ConnectionString);
        await using var bus = await TestBus.StartAsync();
        var running = await Sql.ScalarAsync<long>(fixture.ConnectionString, "SELECT count(*) FROM jobs WHERE status = 'Running' AND type IN ('Issuance', 'Renewal')");
        var jobs = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            jobs.Add(await db.Rows.JobAsync(await db.Rows.CertificateAsync(TimeSpan.FromDays(5)), "Pending"));
        }

        var dispatcher = new JobDispatcher(db.DataSource, bus.Bus, db.Clock, Settings.Of(o => o.RenewalConcurrency = (int)running + 3));
        await dispatcher.RunAsync(CancellationToken.None);
        await dispatcher.RunAsync(CancellationToken.None);

        Assert.Equal(running + 3, await Sql.ScalarAsync<long>(fixture.ConnectionString,
            "SELECT count(*) FROM jobs WHERE status = 'Running' AND type IN ('Issuance', 'Renewal')"));
        Assert.Equal(3, bus.Published<IssueCertificate>().Count(c => jobs.Contains(c.JobId)));
    }

    [Fact]
    public async Task Parking_runs_once_per_loop_interval_not_on_every_wake_up()
    {
        await using var db = new Database(fixture.ConnectionString);
        await using var bus = await TestBus.StartAsync();
        var dispatcher = new JobDispatcher(db.DataSource, bus.Bus, db.Clock, Settings.Of(o => o.RenewalConcurrency = 1000));
        await dispatcher.RunAsync(CancellationToken.None); // parks whatever earlier tests left

        // An agent-key job that became Pending after the park (an approval, a retry): the wake-ups in between only claim.
        var agentJob = await db.Rows.JobAsync(await db.Rows.CertificateAsync(TimeSpan.FromDays(5), keygenMode: "agent"), "Pending");
        await dispatcher.RunAsync(CancellationToken.None);
        Assert.Equal("Pending", (await db.Rows.JobRowAsync(agentJob))["status"]);

        db.Clock.Advance(TimeSpan.FromSeconds(30)); // CERTCTL_SCHEDULER_JOB_PROCESSOR_INTERVAL's default
        await dispatcher.RunAsync(CancellationToken.None);
        Assert.Equal("AwaitingCSR", (await db.Rows.JobRowAsync(agentJob))["status"]);
        Assert.DoesNotContain(bus.Published<IssueCertificate>(), c => c.JobId == agentJob);
    }
}
