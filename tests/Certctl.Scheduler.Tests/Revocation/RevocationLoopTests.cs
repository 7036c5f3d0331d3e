using Certctl.Contracts;
using Certctl.Domain;
using Certctl.Scheduler.Loops;
using Certctl.Scheduler.Revocation;
using Certctl.Scheduler.Tests.Jobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Certctl.Scheduler.Tests.Revocation;

/// <summary>The CRL pre-generation loop and the revocation notify sweep against a real Postgres, on a fake clock.</summary>
public sealed class RevocationLoopTests(MigratedDatabaseFixture<RevocationLoopTests> fixture) : IClassFixture<MigratedDatabaseFixture<RevocationLoopTests>>
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    [Fact]
    public async Task Pregeneration_asks_for_CRLs_that_are_missing_behind_the_revocations_or_half_way_to_next_update_on_enabled_local_CAs_only()
    {
        await using var db = new Database(fixture.ConnectionString);
        await using var bus = await TestBus.StartAsync();
        var now = db.Clock.GetUtcNow();
        var missing = await IssuerAsync("GenericCA");
        var fresh = await IssuerAsync("GenericCA", thisUpdate: now - TimeSpan.FromHours(1));
        var behind = await IssuerAsync("GenericCA", thisUpdate: now - TimeSpan.FromHours(1));
        await RevocationAsync(behind, createdAgo: TimeSpan.FromHours(2));
        var halfWay = await IssuerAsync("GenericCA", thisUpdate: now - TimeSpan.FromDays(3.5));
        var disabled = await IssuerAsync("GenericCA", enabled: false);
        var vendor = await IssuerAsync("StepCA");

        await new CrlPregeneration(db.DataSource, bus.Bus, db.Clock).RunAsync(CancellationToken.None);

        var asked = bus.Published<GenerateCrl>().Select(command => command.IssuerId).ToHashSet();
        Assert.Superset(new HashSet<string> { missing, behind, halfWay }, asked);
        Assert.DoesNotContain(fresh, asked);
        Assert.DoesNotContain(disabled, asked);
        Assert.DoesNotContain(vendor, asked);
        Assert.All(bus.Published<GenerateCrl>(), command => Assert.Equal((CrlPregeneration.LoopName, now), (command.RequestedBy, command.RequestedAt)));

        db.Clock.Advance(TimeSpan.FromDays(3.5));
        await new CrlPregeneration(db.DataSource, bus.Bus, db.Clock).RunAsync(CancellationToken.None);
        Assert.Contains(fresh, bus.Published<GenerateCrl>().Select(command => command.IssuerId));
    }

    [Fact]
    public async Task The_sweep_resends_unnotified_revocations_older_than_a_minute_while_budget_remains()
    {
        await using var db = new Database(fixture.ConnectionString);
        await using var bus = await TestBus.StartAsync();
        var issuer = await IssuerAsync("GenericCA");
        var lost = await RevocationAsync(issuer, createdAgo: TimeSpan.FromMinutes(2));
        var recent = await RevocationAsync(issuer, createdAgo: TimeSpan.FromSeconds(30));
        var notified = await RevocationAsync(issuer, createdAgo: TimeSpan.FromMinutes(5), notified: true);
        var spent = await RevocationAsync(issuer, createdAgo: TimeSpan.FromMinutes(5), attempts: IssuerNotification.MaxAttempts);

        await new RevocationNotifySweep(db.DataSource, bus.Bus, db.Clock).RunAsync(CancellationToken.None);

        var resent = bus.Published<RevokeCertificate>().Where(command => command.IssuerId == issuer).ToList();
        var command = Assert.Single(resent);
        Assert.Equal((lost, RevocationReason.KeyCompromise, "alice"), (command.SerialNumber, command.Reason, command.RevokedBy));
        Assert.DoesNotContain(resent, c => c.SerialNumber == recent || c.SerialNumber == notified || c.SerialNumber == spent);
    }

    [Fact]
    public async Task The_pregeneration_loop_first_runs_one_interval_after_start_once_per_cluster()
    {
        await using var db = new Database(fixture.ConnectionString);
        await using var bus = await TestBus.StartAsync();
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(db.DataSource)
            .AddSingleton(bus.Bus)
            .AddSingleton<TimeProvider>(db.Clock)
            .AddSchedulerLoops(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["CERTCTL_CRL_GENERATION_INTERVAL"] = "30m" }).Build());
        await using var provider = services.BuildServiceProvider();
        var loops = provider.GetServices<IHostedService>().OfType<ScheduledLoop>().ToDictionary(loop => loop.Schedule.Name);

        Assert.Equal(new LoopSchedule(CrlPregeneration.LoopName, TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(5), RunAtStart: false, OncePerCluster: true),
            loops[CrlPregeneration.LoopName].Schedule);
        Assert.Equal(new LoopSchedule(RevocationNotifySweep.LoopName, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1), RunAtStart: true, OncePerCluster: true),
            loops[RevocationNotifySweep.LoopName].Schedule);

        var loop = loops[CrlPregeneration.LoopName];
        var waits = new List<TimeSpan>();
        loop.Waiting += waits.Add;
        await loop.StartAsync(CancellationToken.None);
        try
        {
            await WaitUntilAsync(() => waits.Count == 1);
            Assert.Empty(bus.Published<GenerateCrl>());
            db.Clock.Advance(waits[0]);
            await WaitUntilAsync(() => bus.Published<GenerateCrl>().Count > 0);
        }
        finally
        {
            await loop.StopAsync(CancellationToken.None);
        }
    }

    private async Task<string> IssuerAsync(string type, DateTimeOffset? thisUpdate = null, bool enabled = true)
    {
        var id = Rows.Unique("iss");
        await Sql.ExecuteAsync(fixture.ConnectionString, "INSERT INTO issuers (id, name, type, enabled) VALUES ($1, $1, $2, $3)", id, type, enabled);
        if (thisUpdate is { } at)
        {
            await Sql.ExecuteAsync(fixture.ConnectionString,
                "INSERT INTO crl_cache (issuer_id, crl_der, crl_number, this_update, next_update, etag) VALUES ($1, '\\x30'::bytea, 1, $2, $3, 'x')",
                id, at, at + (7 * Day));
        }

        return id;
    }

    private async Task<string> RevocationAsync(string issuerId, TimeSpan createdAgo, bool notified = false, int attempts = 0)
    {
        var certificate = Rows.Unique("mc");
        var serial = Guid.NewGuid().ToString("N")[..12].TrimStart('0');
        await Sql.ExecuteAsync(fixture.ConnectionString,
            "INSERT INTO managed_certificates (id, name, common_name, issuer_id, status) VALUES ($1, $1, $1 || '.example.com', $2, 'Revoked')",
            certificate, issuerId);
        await Sql.ExecuteAsync(fixture.ConnectionString,
            """
            INSERT INTO certificate_revocations (id, certificate_id, serial_number, issuer_id, reason, revoked_by, issuer_notified, notify_attempts, created_at)
            VALUES ($1, $2, $3, $4, 'keyCompromise', 'alice', $5, $6, $7)
            """,
            Rows.Unique("cr"), certificate, serial, issuerId, notified, attempts, DateTimeOffset.UtcNow - createdAgo);
        return serial;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold within 10 s.");
            await Task.Delay(20);
        }
    }
}
