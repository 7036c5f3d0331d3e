using System.Diagnostics;
using Certctl.Scheduler.Renewal;

namespace Certctl.Scheduler.Tests.Renewal;

/// <summary>
/// The fleet: one renewal scan over 100,000 certificates. The scan's duration is written to the test output (run with
/// <c>--logger "console;verbosity=detailed"</c>) and recorded in docs/scale.md; it is not asserted, since a timed assertion fails on
/// a busy machine for reasons that are not the code's. The fleet's expiries are spread over 100 days
/// with a 30-day window, as in steady state a scan finds the certificates that entered their window since the last one: here the
/// first scan finds 2,000 (every 50th certificate lies inside the window), the second finds none.
/// </summary>
public sealed class RenewalScanScaleTests(MigratedDatabaseFixture<RenewalScanScaleTests> fixture, ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<RenewalScanScaleTests>>
{
    private const int Certificates = 100_000;

    [Fact]
    public async Task One_scan_over_100000_certificates_gives_each_due_certificate_one_job_and_a_repeat_none()
    {
        await using var db = new Database(fixture.ConnectionString);
        var policy = await db.Rows.PolicyAsync(windowDays: 30);
        var gated = await db.Rows.ProfileAsync(requiresApproval: true);
        // Every 50th certificate expires inside the window; a third of those in each start state (server, agent, approval).
        await Sql.ExecuteAsync(fixture.ConnectionString,
            """
            INSERT INTO managed_certificates (id, name, common_name, issuer_id, renewal_policy_id, certificate_profile_id, keygen_mode, status, expires_at)
            SELECT 'mc-scale-' || i, 'mc-scale-' || i, 'scale-' || i || '.example.com', 'iss-local', $1,
                   CASE WHEN i % 3 = 2 THEN $2 END, CASE WHEN i % 3 = 0 THEN 'server' ELSE 'agent' END, 'Active',
                   $3::timestamptz + CASE WHEN i % 50 = 0 THEN make_interval(days => 29) ELSE make_interval(days => 31 + i % 70) END
            FROM generate_series(1, $4) AS i
            """,
            policy, gated, db.Clock.GetUtcNow(), Certificates);
        await Sql.ExecuteAsync(fixture.ConnectionString, "VACUUM ANALYZE managed_certificates");
        var scan = new RenewalScan(db.DataSource, db.Clock);

        var stopwatch = Stopwatch.StartNew();
        var created = await scan.RunAsync(CancellationToken.None);
        var first = stopwatch.Elapsed;
        stopwatch.Restart();
        var again = await scan.RunAsync(CancellationToken.None);
        var second = stopwatch.Elapsed;
        output.WriteLine($"renewal scan over {Certificates} certificates: {created} jobs in {first.TotalMilliseconds:F0} ms; "
            + $"repeat: {again} jobs in {second.TotalMilliseconds:F0} ms");

        Assert.Equal(2_000L, await Sql.ScalarAsync<long>(fixture.ConnectionString, "SELECT count(*) FROM jobs WHERE certificate_id LIKE 'mc-scale-%'"));
        Assert.Equal(0, again);
    }
}
