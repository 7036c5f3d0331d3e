using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Certctl.CaConnector.Tests.FakeVendors;
using Certctl.Contracts;
using Certctl.Secrets;
using Microsoft.Extensions.DependencyInjection;

namespace Certctl.CaConnector.Tests;

/// <summary>
/// A DigiCert-style issuer end to end against the fake CertCentral: IssueCertificate on a real RabbitMQ, the job parked in a
/// real Postgres, and the poller driven tick by tick on a fake clock (its hosted loop is removed so each tick is the test's).
/// </summary>
public sealed class AsyncIssuerTests(
    MigratedDatabaseFixture<AsyncIssuerTests> database,
    RabbitMqVirtualHostFixture<AsyncIssuerTests> broker,
    ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<AsyncIssuerTests>>, IClassFixture<RabbitMqVirtualHostFixture<AsyncIssuerTests>>, IAsyncLifetime
{
    private const string Polls = "certctl.ca.async_order.polls";

    private AsyncIssuerHarness? _harness;

    private AsyncIssuerHarness H => _harness!;

    public async Task InitializeAsync() =>
        _harness = await AsyncIssuerHarness.StartAsync(database.ConnectionString, broker.AmqpUri, output, withPollLoop: false);

    public async Task DisposeAsync()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_pending_order_parks_the_job_and_is_polled_with_backoff_until_issued()
    {
        var job = await H.NewJobAsync(await H.DigiCertIssuerAsync(), new OrderScript { PendingPolls = 2 });

        await H.PublishAsync(job);
        var parked = await H.Orders.WaitUntilParkedAsync(job.JobId);
        var parkedAt = H.Clock.GetUtcNow();
        Assert.Null(parked.Lease);
        Assert.Equal(1, parked.Attempts);
        Assert.True(parked.HasKey);
        Assert.Equal(parkedAt + TimeSpan.FromMinutes(10), parked.PollDeadline);
        AssertWithin(parked.NextAttemptAt, parkedAt, 5);

        Assert.Equal(0, await H.PollAsync());
        H.Clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(1, await H.PollAsync());
        var afterFirst = await H.Orders.JobAsync(job.JobId);
        Assert.Equal(("AwaitingIssuer", 1), (afterFirst.Status, afterFirst.Polls));
        AssertWithin(afterFirst.NextAttemptAt, H.Clock.GetUtcNow(), 15);

        H.Clock.Advance(TimeSpan.FromSeconds(18));
        Assert.Equal(1, await H.PollAsync());
        var afterSecond = await H.Orders.JobAsync(job.JobId);
        Assert.Equal(2, afterSecond.Polls);
        AssertWithin(afterSecond.NextAttemptAt, H.Clock.GetUtcNow(), 45);

        H.Clock.Advance(TimeSpan.FromSeconds(54));
        Assert.Equal(1, await H.PollAsync());
        var issued = Assert.Single(await H.Host.Events.WaitForAsync<CertificateIssued>(e => e.JobId == job.JobId));

        var order = Assert.Single(H.Vendor.OrdersFor(job.CommonName));
        Assert.Equal(3, order.Polls);
        Assert.Equal(1, H.Vendor.SubmissionsFor(job.CommonName));
        Assert.Equal(4242, order.OrganizationId);
        var done = await H.Orders.JobAsync(job.JobId);
        Assert.Equal(("Completed", 1, false), (done.Status, done.Attempts, done.HasKey));
        Assert.Equal("Active", await H.Rows.ScalarAsync<string>("SELECT status FROM managed_certificates WHERE id = @id", ("id", job.CertificateId)));

        // The certificate is the vendor's, for the key the connector made; that key is stored bound to the version.
        using var leaf = X509Certificate2.CreateFromPem(await PemChainAsync(issued.VersionId));
        AssertChainsTo(leaf, H.Vendor.Ca.Root);
        Assert.Equal(issued.SerialNumber, leaf.SerialNumber.TrimStart('0').ToLowerInvariant());
        var sealedKey = await H.Rows.ScalarAsync<byte[]>("SELECT encrypted_private_key FROM certificate_versions WHERE id = @id", ("id", issued.VersionId));
        using var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(H.Host.Services.GetRequiredService<ConfigurationCipher>().Decrypt(sealedKey, issued.VersionId), out _);
        Assert.Equal(leaf.PublicKey.ExportSubjectPublicKeyInfo(), key.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public async Task Past_the_deadline_the_job_stays_parked_without_spending_an_attempt_and_is_issued_on_a_later_tick()
    {
        using var agentKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var job = await H.NewJobAsync(await H.DigiCertIssuerAsync(pollMaxWaitSeconds: 20), new OrderScript { PendingPolls = 2 }, agentKey);

        await H.PublishAsync(job);
        var parked = await H.Orders.WaitUntilParkedAsync(job.JobId);
        var deadline = H.Clock.GetUtcNow() + TimeSpan.FromSeconds(20);
        Assert.Equal(deadline, parked.PollDeadline);

        H.Clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(1, await H.PollAsync());
        // The 15 s backoff would end after the deadline for some jitter draws: the wait is cut to end at the deadline.
        Assert.True((await H.Orders.JobAsync(job.JobId)).NextAttemptAt <= deadline);

        H.Clock.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(1, await H.PollAsync());
        var overdue = await H.Orders.JobAsync(job.JobId);
        Assert.Equal(("AwaitingIssuer", 1, 0), (overdue.Status, overdue.Attempts, overdue.Polls));
        Assert.Contains("poll deadline", overdue.LastError);
        AssertWithin(overdue.NextAttemptAt, H.Clock.GetUtcNow(), 300);
        Assert.Equal(overdue.NextAttemptAt + TimeSpan.FromSeconds(20), overdue.PollDeadline);
        Assert.Equal((1, 2), (H.Metrics.Sum("certctl.ca.async_order.overdue"), H.Metrics.Sum(Polls, "pending")));

        H.Clock.Advance(TimeSpan.FromSeconds(200));
        Assert.Equal(0, await H.PollAsync());
        H.Clock.Advance(TimeSpan.FromSeconds(161));
        Assert.Equal(1, await H.PollAsync());

        var issued = Assert.Single(await H.Host.Events.WaitForAsync<CertificateIssued>(e => e.JobId == job.JobId));
        var done = await H.Orders.JobAsync(job.JobId);
        Assert.Equal(("Completed", 1), (done.Status, done.Attempts));
        using var leaf = X509Certificate2.CreateFromPem(await PemChainAsync(issued.VersionId));
        Assert.Equal(agentKey.ExportSubjectPublicKeyInfo(), leaf.PublicKey.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public async Task A_rejected_order_fails_the_job_for_good_and_publishes_IssuanceFailed()
    {
        var job = await H.NewJobAsync(await H.DigiCertIssuerAsync(), new OrderScript { PendingPolls = 1, Rejects = true });

        await H.PublishAsync(job);
        await H.Orders.WaitUntilParkedAsync(job.JobId);
        H.Clock.Advance(TimeSpan.FromSeconds(6));
        await H.PollAsync();
        H.Clock.Advance(TimeSpan.FromSeconds(18));
        await H.PollAsync();

        var failed = Assert.Single(await H.Host.Events.WaitForAsync<IssuanceFailed>(e => e.JobId == job.JobId));
        Assert.False(failed.Retryable);
        Assert.Contains("rejected", failed.Reason);
        var row = await H.Orders.JobAsync(job.JobId);
        Assert.Equal(("Failed", 1, 1, false), (row.Status, row.Attempts, row.MaxAttempts, row.HasKey));
        Assert.Equal(0L, await H.Rows.ScalarAsync<long>("SELECT count(*) FROM certificate_versions WHERE job_id = @job_id", ("job_id", job.JobId)));
        Assert.Empty(H.Host.Events.Of<CertificateIssued>(e => e.JobId == job.JobId));
        Assert.Equal(1, H.Metrics.Sum(Polls, "rejected"));
    }

    [Fact]
    public async Task Throttled_and_failing_polls_are_retried_later_honouring_Retry_After_and_never_fail_the_job()
    {
        var script = new OrderScript { ThrottledPolls = 1, RetryAfter = TimeSpan.FromSeconds(120), FailingPolls = 1 };
        var job = await H.NewJobAsync(await H.DigiCertIssuerAsync(), script);

        await H.PublishAsync(job);
        await H.Orders.WaitUntilParkedAsync(job.JobId);
        H.Clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(1, await H.PollAsync());
        var throttled = await H.Orders.JobAsync(job.JobId);
        Assert.Equal(("AwaitingIssuer", 1), (throttled.Status, throttled.Attempts));
        Assert.Contains("429", throttled.LastError);
        // Retry-After (120 s) wins over the 15 s backoff.
        Assert.Equal(H.Clock.GetUtcNow() + TimeSpan.FromSeconds(120), throttled.NextAttemptAt);

        H.Clock.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(0, await H.PollAsync());
        H.Clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(1, await H.PollAsync());
        var failing = await H.Orders.JobAsync(job.JobId);
        Assert.Equal(("AwaitingIssuer", 1, 2), (failing.Status, failing.Attempts, failing.Polls));
        Assert.Contains("503", failing.LastError);

        H.Clock.Advance(TimeSpan.FromSeconds(54));
        Assert.Equal(1, await H.PollAsync());
        await H.Host.Events.WaitForAsync<CertificateIssued>(e => e.JobId == job.JobId);
        Assert.Equal(3, Assert.Single(H.Vendor.OrdersFor(job.CommonName)).Polls);
        Assert.Equal(1, (await H.Orders.JobAsync(job.JobId)).Attempts);
        Assert.Empty(H.Host.Events.Of<IssuanceFailed>(e => e.JobId == job.JobId));
        Assert.Equal((2, 1), (H.Metrics.Sum(Polls, "transient"), H.Metrics.Sum(Polls, "issued")));
    }

    [Fact]
    public async Task A_repeated_IssueCertificate_for_a_parked_job_submits_no_second_order()
    {
        var job = await H.NewJobAsync(await H.DigiCertIssuerAsync(), new OrderScript { PendingPolls = 100 });

        // Two deliveries racing, then a late duplicate once the job is parked.
        await Task.WhenAll(H.PublishAsync(job), H.PublishAsync(job));
        var parked = await H.Orders.WaitUntilParkedAsync(job.JobId);
        await H.PublishAsync(job);
        await Task.Delay(TimeSpan.FromSeconds(3));

        Assert.Equal(1, H.Vendor.SubmissionsFor(job.CommonName));
        var row = await H.Orders.JobAsync(job.JobId);
        Assert.Equal(("AwaitingIssuer", parked.OrderId, 1), (row.Status, row.OrderId, row.Attempts));
    }

    [Fact]
    public async Task A_submission_the_CA_cannot_take_now_is_retried_and_then_parked()
    {
        var job = await H.NewJobAsync(await H.DigiCertIssuerAsync(), new OrderScript { FailingSubmissions = 1, PendingPolls = 5 });

        await H.PublishAsync(job);

        var parked = await H.Orders.WaitUntilParkedAsync(job.JobId);
        Assert.Equal(2, H.Vendor.SubmissionsFor(job.CommonName));
        Assert.Single(H.Vendor.OrdersFor(job.CommonName));
        Assert.Equal(1, parked.Attempts);
    }

    [Fact]
    public async Task An_order_issued_at_submission_completes_the_job_without_polling()
    {
        var job = await H.NewJobAsync(await H.DigiCertIssuerAsync(), new OrderScript { IssueAtSubmission = true });

        await H.PublishAsync(job);

        await H.Host.Events.WaitForAsync<CertificateIssued>(e => e.JobId == job.JobId);
        Assert.Equal(0, Assert.Single(H.Vendor.OrdersFor(job.CommonName)).Polls);
        var row = await H.Orders.JobAsync(job.JobId);
        Assert.Equal(("Completed", 1, false), (row.Status, row.Attempts, row.HasKey));
    }

    [Fact]
    public async Task A_refused_API_key_keeps_the_order_parked_for_an_operator_to_fix()
    {
        var issuer = await H.DigiCertIssuerAsync();
        var job = await H.NewJobAsync(issuer, new OrderScript { PendingPolls = 100 });
        await H.PublishAsync(job);
        await H.Orders.WaitUntilParkedAsync(job.JobId);

        // Without its encrypted configuration the issuer reads the redacted one: the vendor refuses the "********" key.
        await H.Rows.ExecuteAsync("UPDATE issuers SET encrypted_config = NULL WHERE id = @i", ("i", issuer));
        H.Clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(1, await H.PollAsync());

        var row = await H.Orders.JobAsync(job.JobId);
        Assert.Equal(("AwaitingIssuer", 1), (row.Status, row.Attempts));
        Assert.Contains("refused the API credentials", row.LastError);
    }

    private Task<string> PemChainAsync(string versionId) =>
        H.Rows.ScalarAsync<string>("SELECT pem_chain FROM certificate_versions WHERE id = @id", ("id", versionId));

    /// <summary>Asserts <paramref name="actual"/> is <paramref name="from"/> plus the nominal wait ±20 % (the jitter).</summary>
    private static void AssertWithin(DateTimeOffset actual, DateTimeOffset from, double nominalSeconds) =>
        Assert.InRange((actual - from).TotalSeconds, (nominalSeconds * 0.8) - 0.01, (nominalSeconds * 1.2) + 0.01);

    private static void AssertChainsTo(X509Certificate2 leaf, X509Certificate2 root)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(chain.Build(leaf), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
    }
}
