using Certctl.Domain;
using Certctl.Scheduler.Renewal;

namespace Certctl.Scheduler.Tests.Renewal;

public sealed class RenewalScanTests(MigratedDatabaseFixture<RenewalScanTests> fixture) : IClassFixture<MigratedDatabaseFixture<RenewalScanTests>>
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    [Fact]
    public async Task A_certificate_inside_its_days_window_gets_one_pending_job_and_goes_renewal_in_progress()
    {
        await using var db = new Database(fixture.ConnectionString);
        var policy = await db.Rows.PolicyAsync(windowDays: 30, maxRetries: 4);
        var due = await db.Rows.CertificateAsync(10 * Day, policy);
        var early = await db.Rows.CertificateAsync(40 * Day, policy);

        await new RenewalScan(db.DataSource, db.Clock).RunAsync(CancellationToken.None);

        var job = await db.Rows.OnlyJobAsync(due);
        Assert.NotNull(job);
        Assert.Equal("Renewal", job["type"]);
        Assert.Equal("Pending", job["status"]);
        Assert.Equal(5, job["max_attempts"]);
        Assert.True(EntityId.IsWellFormed((string)job["id"]!, IdPrefix.Job), (string)job["id"]!);
        Assert.Equal("RenewalInProgress", await db.Rows.CertificateStatusAsync(due));
        Assert.Null(await db.Rows.OnlyJobAsync(early));
        Assert.Equal("Active", await db.Rows.CertificateStatusAsync(early));
    }

    [Fact]
    public async Task An_acme_certificate_is_left_to_its_client()
    {
        await using var db = new Database(fixture.ConnectionString);
        var policy = await db.Rows.PolicyAsync(windowDays: 30);
        var acme = await db.Rows.CertificateAsync(10 * Day, policy);
        await Sql.ExecuteAsync(fixture.ConnectionString, "UPDATE managed_certificates SET source = 'ACME' WHERE id = $1", acme);

        await new RenewalScan(db.DataSource, db.Clock).RunAsync(CancellationToken.None);

        Assert.Null(await db.Rows.OnlyJobAsync(acme));
        Assert.Equal("Active", await db.Rows.CertificateStatusAsync(acme));
    }

    [Fact]
    public async Task A_lifetime_fraction_wins_over_days_and_days_apply_without_a_known_not_before()
    {
        await using var db = new Database(fixture.ConnectionString);
        // Lifetime 100 days, 80 elapsed: a 0.5 fraction opened 30 days ago; a 0.9 fraction opens in 10 days.
        var half = await db.Rows.PolicyAsync(windowDays: 1, fraction: 0.5m);
        var late = await db.Rows.PolicyAsync(windowDays: 30, fraction: 0.9m);
        var dueByFraction = await db.Rows.CertificateAsync(20 * Day, half);
        await db.Rows.VersionAsync(dueByFraction, 80 * Day, 20 * Day);
        var notYet = await db.Rows.CertificateAsync(20 * Day, late);
        await db.Rows.VersionAsync(notYet, 80 * Day, 20 * Day);
        var noVersion = await db.Rows.CertificateAsync(20 * Day, late);

        await new RenewalScan(db.DataSource, db.Clock).RunAsync(CancellationToken.None);

        Assert.NotNull(await db.Rows.OnlyJobAsync(dueByFraction));
        Assert.Null(await db.Rows.OnlyJobAsync(notYet));
        Assert.NotNull(await db.Rows.OnlyJobAsync(noVersion));
    }

    [Fact]
    public async Task Approval_profiles_wait_for_approval_with_a_request_and_agent_keys_wait_for_a_csr()
    {
        await using var db = new Database(fixture.ConnectionString);
        var gated = await db.Rows.ProfileAsync(requiresApproval: true);
        var open = await db.Rows.ProfileAsync(requiresApproval: false);
        var approval = await db.Rows.CertificateAsync(5 * Day, profileId: gated, keygenMode: "agent");
        var agent = await db.Rows.CertificateAsync(5 * Day, profileId: open, keygenMode: "agent");

        await new RenewalScan(db.DataSource, db.Clock).RunAsync(CancellationToken.None);

        var approvalJob = await db.Rows.OnlyJobAsync(approval);
        Assert.Equal("AwaitingApproval", approvalJob!["status"]);
        var request = (await Sql.RowsAsync(fixture.ConnectionString, "SELECT * FROM issuance_approval_requests WHERE job_id = $1", approvalJob["id"])).Single();
        Assert.Equal("pending", request["state"]);
        Assert.Equal(gated, request["profile_id"]);
        Assert.Equal(RenewalScan.Actor, request["requested_by"]);
        Assert.Equal("AwaitingCSR", (await db.Rows.OnlyJobAsync(agent))!["status"]);
        Assert.Equal(0L, await Sql.ScalarAsync<long>(fixture.ConnectionString,
            "SELECT count(*) FROM issuance_approval_requests r JOIN jobs j ON j.id = r.job_id WHERE j.certificate_id = $1", agent));
    }

    [Theory]
    [InlineData("Archived")]
    [InlineData("Revoked")]
    [InlineData("Expired")]
    [InlineData("Failed")]
    [InlineData("Pending")]
    public async Task Certificates_the_scheduler_must_not_renew_get_no_job(string status)
    {
        await using var db = new Database(fixture.ConnectionString);
        var certificate = await db.Rows.CertificateAsync(2 * Day, status: status);

        await new RenewalScan(db.DataSource, db.Clock).RunAsync(CancellationToken.None);

        Assert.Null(await db.Rows.OnlyJobAsync(certificate));
        Assert.Equal(status, await db.Rows.CertificateStatusAsync(certificate));
    }

    [Fact]
    public async Task Auto_renew_off_means_no_job()
    {
        await using var db = new Database(fixture.ConnectionString);
        var manual = await db.Rows.PolicyAsync(autoRenew: false);
        var certificate = await db.Rows.CertificateAsync(2 * Day, manual);

        await new RenewalScan(db.DataSource, db.Clock).RunAsync(CancellationToken.None);

        Assert.Null(await db.Rows.OnlyJobAsync(certificate));
    }

    [Fact]
    public async Task A_certificate_with_an_active_job_is_skipped_and_a_second_run_creates_nothing()
    {
        await using var db = new Database(fixture.ConnectionString);
        var busy = await db.Rows.CertificateAsync(3 * Day, status: "Expiring");
        var existing = await db.Rows.JobAsync(busy, "Running");
        var idle = await db.Rows.CertificateAsync(3 * Day);
        var scan = new RenewalScan(db.DataSource, db.Clock);

        await scan.RunAsync(CancellationToken.None);
        var second = await scan.RunAsync(CancellationToken.None);

        Assert.Equal(existing, (await db.Rows.OnlyJobAsync(busy))!["id"]);
        Assert.Equal("Expiring", await db.Rows.CertificateStatusAsync(busy));
        Assert.NotNull(await db.Rows.OnlyJobAsync(idle));
        Assert.Equal(0, second);
    }
}
