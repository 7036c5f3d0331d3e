using Certctl.CaConnector.RenewalInfo;
using Certctl.CaConnector.Tests.FakeVendors;
using Npgsql;

namespace Certctl.CaConnector.Tests;

/// <summary>
/// The ARI poller against a local fake of an ACME CA's directory and renewalInfo, on real Postgres and a fake clock: windows,
/// the renewal time inside them, Retry-After, "not supported", errors and their backoff, timeouts, renewals, the lock.
/// </summary>
public sealed class AriPollerTests(MigratedDatabaseFixture<AriPollerTests> database, ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<AriPollerTests>>, IAsyncLifetime
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    private AriHarness? _harness;

    private AriHarness H => _harness!;

    public async Task InitializeAsync() => _harness = await AriHarness.StartAsync(database.ConnectionString, output);

    public async Task DisposeAsync()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_window_is_stored_with_a_renewal_time_inside_it_and_the_next_poll_after_retry_after()
    {
        var issuer = await H.IssuerAsync();
        var certificate = await H.CertificateAsync(issuer, 60 * Day);
        var now = H.Clock.GetUtcNow();
        H.Ca.Plan(certificate.CertId, AriScript.Window(now + 20 * Day, now + 22 * Day, retryAfterSeconds: 3600, explanationUrl: "https://ca.example/incident"));

        Assert.Equal(1, await H.PollAsync());

        var row = await H.RowAsync(certificate.CertificateId);
        Assert.NotNull(row);
        Assert.Equal((now + 20 * Day, now + 22 * Day), (row.WindowStart, row.WindowEnd));
        // A quarter of the way into the two-day window: the draw is 0.25.
        Assert.Equal(now + 20 * Day + TimeSpan.FromHours(12), row.RenewAt);
        Assert.Equal("https://ca.example/incident", row.ExplanationUrl);
        Assert.Equal(now + TimeSpan.FromHours(1), row.NextPollAt);
        Assert.Equal((0, null), (row.Failures, row.LastError));
        Assert.Equal(1, H.Ca.RequestsFor(certificate.CertId));
        Assert.Equal(1, H.Metrics.Sum("certctl.ca.ari.polls", "window"));
    }

    [Fact]
    public async Task The_renewal_time_stays_while_the_window_stays_and_is_chosen_again_when_the_window_moves()
    {
        var issuer = await H.IssuerAsync();
        var certificate = await H.CertificateAsync(issuer, 60 * Day);
        var now = H.Clock.GetUtcNow();
        H.Ca.Plan(certificate.CertId, AriScript.Window(now + 20 * Day, now + 22 * Day, retryAfterSeconds: 60));
        await H.PollAsync();
        var first = (await H.RowAsync(certificate.CertificateId))!.RenewAt;

        H.Draw = 0.75;
        H.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await H.PollAsync());
        Assert.Equal(first, (await H.RowAsync(certificate.CertificateId))!.RenewAt);

        // The CA moves the window forward (e.g. a mass revocation): renew sooner, at a new random time in the new window.
        H.Ca.Plan(certificate.CertId, AriScript.Window(now - Day, now + Day, retryAfterSeconds: 60));
        H.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await H.PollAsync());
        var moved = await H.RowAsync(certificate.CertificateId);
        Assert.Equal((now - Day, now + Day), (moved!.WindowStart, moved.WindowEnd));
        Assert.Equal(now - Day + TimeSpan.FromHours(36), moved.RenewAt);
        Assert.Equal(3, H.Ca.RequestsFor(certificate.CertId));
    }

    [Fact]
    public async Task Retry_after_is_clamped_to_a_minute_and_a_day_and_defaults_to_six_hours()
    {
        var issuer = await H.IssuerAsync();
        var now = H.Clock.GetUtcNow();
        var fast = await H.CertificateAsync(issuer, 60 * Day);
        var slow = await H.CertificateAsync(issuer, 60 * Day);
        var silent = await H.CertificateAsync(issuer, 60 * Day);
        H.Ca.Plan(fast.CertId, AriScript.Window(now + 20 * Day, now + 22 * Day, retryAfterSeconds: 5));
        H.Ca.Plan(slow.CertId, AriScript.Window(now + 20 * Day, now + 22 * Day, retryAfterSeconds: 500_000));
        H.Ca.Plan(silent.CertId, AriScript.Window(now + 20 * Day, now + 22 * Day));

        Assert.Equal(3, await H.PollAsync());

        Assert.Equal(now + TimeSpan.FromMinutes(1), (await H.RowAsync(fast.CertificateId))!.NextPollAt);
        Assert.Equal(now + Day, (await H.RowAsync(slow.CertificateId))!.NextPollAt);
        Assert.Equal(now + TimeSpan.FromHours(6), (await H.RowAsync(silent.CertificateId))!.NextPollAt);
    }

    [Fact]
    public async Task A_404_means_not_supported_and_clears_the_window()
    {
        var issuer = await H.IssuerAsync();
        var certificate = await H.CertificateAsync(issuer, 60 * Day);
        var now = H.Clock.GetUtcNow();
        H.Ca.Plan(certificate.CertId, AriScript.Window(now + 20 * Day, now + 22 * Day, retryAfterSeconds: 60));
        await H.PollAsync();

        H.Ca.Plan(certificate.CertId, new AriScript { Status = 404 });
        H.Clock.Advance(TimeSpan.FromMinutes(1));
        await H.PollAsync();

        var row = await H.RowAsync(certificate.CertificateId);
        Assert.Equal((null, null, null), (row!.WindowStart, row.WindowEnd, row.RenewAt));
        Assert.Equal(H.Clock.GetUtcNow() + TimeSpan.FromHours(6), row.NextPollAt);
        Assert.Contains("404", row.LastError);
        Assert.Equal(0, row.Failures);
        Assert.Equal(1, H.Metrics.Sum("certctl.ca.ari.polls", "not_supported"));
    }

    [Fact]
    public async Task A_directory_without_renewal_info_means_not_supported_and_is_read_once_for_six_hours()
    {
        H.Ca.OffersRenewalInfo = false;
        var issuer = await H.IssuerAsync();
        var first = await H.CertificateAsync(issuer, 60 * Day);
        var second = await H.CertificateAsync(issuer, 60 * Day);

        Assert.Equal(2, await H.PollAsync());
        // A third certificate due before the six hours are up is answered from the remembered directory.
        var third = await H.CertificateAsync(issuer, 60 * Day);
        H.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, await H.PollAsync());

        Assert.Equal(1, H.Ca.DirectoryReads);
        Assert.Equal(0, H.Ca.RequestsFor(first.CertId) + H.Ca.RequestsFor(second.CertId) + H.Ca.RequestsFor(third.CertId));
        var row = await H.RowAsync(first.CertificateId);
        Assert.Contains("renewalInfo", row!.LastError);
        Assert.Null(row.RenewAt);
        Assert.Equal(3, H.Metrics.Sum("certctl.ca.ari.polls", "not_supported"));

        // After six hours the directory is read again, and an ARI-capable CA is followed from then on.
        H.Ca.OffersRenewalInfo = true;
        var now = H.Clock.GetUtcNow();
        H.Ca.Plan(third.CertId, AriScript.Window(now + 20 * Day, now + 22 * Day));
        H.Clock.Advance(TimeSpan.FromHours(6));
        Assert.Equal(3, await H.PollAsync());
        Assert.Equal(2, H.Ca.DirectoryReads);
        Assert.NotNull((await H.RowAsync(third.CertificateId))!.RenewAt);
    }

    [Fact]
    public async Task Server_errors_back_off_exponentially_honour_retry_after_and_keep_the_known_window()
    {
        var issuer = await H.IssuerAsync();
        var certificate = await H.CertificateAsync(issuer, 60 * Day);
        var now = H.Clock.GetUtcNow();
        H.Ca.Plan(certificate.CertId, AriScript.Window(now + 20 * Day, now + 22 * Day, retryAfterSeconds: 60));
        await H.PollAsync();
        var known = await H.RowAsync(certificate.CertificateId);

        H.Ca.Plan(certificate.CertId, new AriScript { Status = 500 });
        H.Clock.Advance(TimeSpan.FromMinutes(1));
        await H.PollAsync();
        var once = await H.RowAsync(certificate.CertificateId);
        Assert.Equal((1, H.Clock.GetUtcNow() + TimeSpan.FromMinutes(1)), (once!.Failures, once.NextPollAt));

        H.Clock.Advance(TimeSpan.FromMinutes(1));
        await H.PollAsync();
        var twice = await H.RowAsync(certificate.CertificateId);
        Assert.Equal((2, H.Clock.GetUtcNow() + TimeSpan.FromMinutes(2)), (twice!.Failures, twice.NextPollAt));
        Assert.Contains("500", twice.LastError);
        Assert.Equal((known!.WindowStart, known.WindowEnd, known.RenewAt), (twice.WindowStart, twice.WindowEnd, twice.RenewAt));

        H.Ca.Plan(certificate.CertId, new AriScript { Status = 503, RetryAfterSeconds = 900 });
        H.Clock.Advance(TimeSpan.FromMinutes(2));
        await H.PollAsync();
        Assert.Equal(H.Clock.GetUtcNow() + TimeSpan.FromMinutes(15), (await H.RowAsync(certificate.CertificateId))!.NextPollAt);
        Assert.Equal(3, H.Metrics.Sum("certctl.ca.ari.polls", "temporary_error"));

        // An answer resets the count.
        H.Ca.Plan(certificate.CertId, AriScript.Window(now + 20 * Day, now + 22 * Day, retryAfterSeconds: 60));
        H.Clock.Advance(TimeSpan.FromMinutes(15));
        await H.PollAsync();
        Assert.Equal((0, null), ((await H.RowAsync(certificate.CertificateId))!.Failures, (await H.RowAsync(certificate.CertificateId))!.LastError));
    }

    [Fact]
    public async Task An_invalid_window_is_an_error_that_waits_six_hours()
    {
        var issuer = await H.IssuerAsync();
        var certificate = await H.CertificateAsync(issuer, 60 * Day);
        var now = H.Clock.GetUtcNow();
        H.Ca.Plan(certificate.CertId, AriScript.Window(now + 22 * Day, now + 20 * Day));

        await H.PollAsync();

        var row = await H.RowAsync(certificate.CertificateId);
        Assert.Null(row!.RenewAt);
        Assert.Equal(now + TimeSpan.FromHours(6), row.NextPollAt);
        Assert.Contains("ends", row.LastError);
        Assert.Equal(1, H.Metrics.Sum("certctl.ca.ari.polls", "error"));
    }

    [Fact]
    public async Task A_slow_answer_times_out_at_the_issuers_ari_http_timeout()
    {
        var issuer = await H.IssuerAsync(new() { ["ari_http_timeout_seconds"] = 3 });
        var certificate = await H.CertificateAsync(issuer, 60 * Day);
        H.Ca.Plan(certificate.CertId, new AriScript { Stall = true });

        var run = H.PollAsync();
        await H.Ca.StalledRequestArrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
        H.Clock.Advance(TimeSpan.FromSeconds(2));
        await Task.Delay(200);
        Assert.False(run.IsCompleted, "the request was given up before its 3 s timeout");
        H.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await run.WaitAsync(TimeSpan.FromSeconds(30)));

        var row = await H.RowAsync(certificate.CertificateId);
        Assert.Contains("timed out after 3 s", row!.LastError);
        Assert.Equal(1, row.Failures);
        Assert.Equal(1, H.Metrics.Sum("certctl.ca.ari.polls", "temporary_error"));
    }

    [Fact]
    public async Task A_renewed_certificate_is_followed_from_its_new_version_at_once()
    {
        var issuer = await H.IssuerAsync();
        var certificate = await H.CertificateAsync(issuer, 10 * Day);
        var now = H.Clock.GetUtcNow();
        H.Ca.Plan(certificate.CertId, AriScript.Window(now - Day, now + Day));
        await H.PollAsync();
        Assert.NotNull((await H.RowAsync(certificate.CertificateId))!.RenewAt);

        var renewed = await H.VersionAsync(certificate, issuer, now + 90 * Day);
        H.Ca.Plan(renewed.CertId, AriScript.Window(now + 60 * Day, now + 62 * Day));
        H.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await H.PollAsync());

        var row = await H.RowAsync(certificate.CertificateId);
        Assert.Equal(renewed.VersionId, row!.VersionId);
        Assert.Equal(now + 60 * Day + TimeSpan.FromHours(12), row.RenewAt);
        Assert.Equal(1, H.Ca.RequestsFor(renewed.CertId));
    }

    [Fact]
    public async Task Issuers_with_ari_off_and_other_issuer_types_are_not_followed_and_turning_ari_off_forgets_the_windows()
    {
        var off = await H.IssuerAsync(new() { ["ari_enabled"] = false });
        var on = await H.IssuerAsync();
        var local = await H.CertificateAsync("iss-local", 60 * Day);
        var quiet = await H.CertificateAsync(off, 60 * Day);
        var followed = await H.CertificateAsync(on, 60 * Day);
        var now = H.Clock.GetUtcNow();
        H.Ca.Plan(followed.CertId, AriScript.Window(now + 20 * Day, now + 22 * Day));

        Assert.Equal(1, await H.PollAsync());
        Assert.Null(await H.RowAsync(local.CertificateId));
        Assert.Null(await H.RowAsync(quiet.CertificateId));
        Assert.NotNull(await H.RowAsync(followed.CertificateId));

        await Sql.ExecuteAsync(H.ConnectionString, "UPDATE issuers SET enabled = FALSE WHERE id = $1", on);
        Assert.Equal(0, await H.PollAsync());
        Assert.Null(await H.RowAsync(followed.CertificateId));
    }

    [Fact]
    public async Task The_loop_skips_a_run_while_another_replica_holds_the_lock()
    {
        var issuer = await H.IssuerAsync();
        var certificate = await H.CertificateAsync(issuer, 60 * Day);
        var now = H.Clock.GetUtcNow();
        H.Ca.Plan(certificate.CertId, AriScript.Window(now + 20 * Day, now + 22 * Day));

        await using (var other = new NpgsqlConnection(H.ConnectionString))
        {
            await other.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT pg_advisory_lock($1)", other);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = AriPollLock.Key });
            await command.ExecuteNonQueryAsync();

            Assert.Null(await H.Loop.RunOnceAsync(CancellationToken.None));
            Assert.Equal(0, H.Ca.RequestsFor(certificate.CertId));

            // Released explicitly: a closed connection's backend may take a moment to exit and drop the lock.
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", other);
            unlock.Parameters.Add(new NpgsqlParameter<long> { TypedValue = AriPollLock.Key });
            await unlock.ExecuteNonQueryAsync();
        }

        Assert.Equal(1, await H.Loop.RunOnceAsync(CancellationToken.None));
        Assert.Equal(1, H.Ca.RequestsFor(certificate.CertId));
    }

    [Fact]
    public async Task The_hosted_loop_polls_at_start_and_again_on_its_jittered_tick()
    {
        var issuer = await H.IssuerAsync();
        var certificate = await H.CertificateAsync(issuer, 60 * Day);
        var now = H.Clock.GetUtcNow();
        H.Ca.Plan(certificate.CertId, AriScript.Window(now + 20 * Day, now + 22 * Day, retryAfterSeconds: 30));
        var loop = H.Loop;
        var waits = new List<TimeSpan>();
        var waiting = new SemaphoreSlim(0);
        loop.Waiting += wait =>
        {
            lock (waits)
            {
                waits.Add(wait);
            }

            waiting.Release();
        };

        await loop.StartAsync(CancellationToken.None);
        try
        {
            Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.Equal(1, H.Ca.RequestsFor(certificate.CertId));
            // The default 60 s interval with the draw of 0.25 is 0.95 of it; the Retry-After of 30 s is clamped to 1 min, so the
            // first tick finds nothing due and the second polls again.
            Assert.Equal(TimeSpan.FromSeconds(57), waits[0]);
            H.Clock.Advance(TimeSpan.FromSeconds(57));
            Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.Equal(1, H.Ca.RequestsFor(certificate.CertId));
            H.Clock.Advance(TimeSpan.FromSeconds(57));
            Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.Equal(2, H.Ca.RequestsFor(certificate.CertId));
        }
        finally
        {
            await loop.StopAsync(CancellationToken.None);
        }
    }
}
