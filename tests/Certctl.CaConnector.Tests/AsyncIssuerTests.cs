using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Certctl.CaConnector.Polling;
using Certctl.CaConnector.Tests.FakeCertCentral;
using Certctl.Contracts;
using Certctl.Domain;
using Certctl.Secrets;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

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
    private readonly IssuanceRows _rows = new(database.ConnectionString);
    private readonly AsyncIssuerRows _orders = new(database.ConnectionString);
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
    private FakeCertCentralServer? _vendor;
    private ConnectorHost? _host;

    private FakeCertCentralServer Vendor => _vendor!;

    private ConnectorHost Host => _host!;

    public async Task InitializeAsync()
    {
        // The class shares one database: orders an earlier test left parked must not be claimed by this test's polls.
        await _rows.ExecuteAsync("UPDATE jobs SET status = 'Cancelled' WHERE status = 'AwaitingIssuer'");
        _vendor = await FakeCertCentralServer.StartAsync();
        _host = await ConnectorHost.StartAsync(database.ConnectionString, broker.AmqpUri, output, services =>
        {
            services.Replace(ServiceDescriptor.Singleton<TimeProvider>(_clock));
            foreach (var loop in services.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(AsyncOrderPollLoop)).ToList())
            {
                services.Remove(loop);
            }
        });
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (_vendor is not null)
        {
            await _vendor.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_pending_order_parks_the_job_and_is_polled_with_backoff_until_issued()
    {
        var issuer = await _orders.InsertDigiCertIssuerAsync(Vendor.BaseUrl, FakeCertCentralServer.ApiKey);
        var (certificateId, jobId, commonName) = await NewJobAsync(issuer, "server", new OrderScript { PendingPolls = 2 });

        await PublishAsync(jobId, certificateId, issuer, KeygenMode.Server);
        var parked = await _orders.WaitUntilParkedAsync(jobId);
        var parkedAt = _clock.GetUtcNow();
        Assert.Null(parked.Lease);
        Assert.Equal(1, parked.Attempts);
        Assert.True(parked.HasKey);
        Assert.Equal(parkedAt + TimeSpan.FromMinutes(10), parked.PollDeadline);
        AssertWithin(parked.NextAttemptAt, parkedAt, 5);

        Assert.Equal(0, await PollAsync());
        _clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(1, await PollAsync());
        var afterFirst = await _orders.JobAsync(jobId);
        Assert.Equal(("AwaitingIssuer", 1), (afterFirst.Status, afterFirst.Polls));
        AssertWithin(afterFirst.NextAttemptAt, _clock.GetUtcNow(), 15);

        _clock.Advance(TimeSpan.FromSeconds(18));
        Assert.Equal(1, await PollAsync());
        var afterSecond = await _orders.JobAsync(jobId);
        Assert.Equal(2, afterSecond.Polls);
        AssertWithin(afterSecond.NextAttemptAt, _clock.GetUtcNow(), 45);

        _clock.Advance(TimeSpan.FromSeconds(54));
        Assert.Equal(1, await PollAsync());
        var issued = Assert.Single(await Host.Events.WaitForAsync<CertificateIssued>(e => e.JobId == jobId));

        var order = Assert.Single(Vendor.OrdersFor(commonName));
        Assert.Equal(3, order.Polls);
        Assert.Equal(1, Vendor.SubmissionsFor(commonName));
        Assert.Equal(4242, order.OrganizationId);
        var done = await _orders.JobAsync(jobId);
        Assert.Equal(("Completed", 1, false), (done.Status, done.Attempts, done.HasKey));
        Assert.Equal("Active", await _rows.ScalarAsync<string>("SELECT status FROM managed_certificates WHERE id = @id", ("id", certificateId)));

        // The certificate is the vendor's, for the key the connector made; that key is stored bound to the version.
        var chainPem = await _rows.ScalarAsync<string>("SELECT pem_chain FROM certificate_versions WHERE id = @id", ("id", issued.VersionId));
        using var leaf = X509Certificate2.CreateFromPem(chainPem);
        AssertChainsTo(leaf, Vendor.Ca.Root);
        Assert.Equal(issued.SerialNumber, leaf.SerialNumber.TrimStart('0').ToLowerInvariant());
        var sealedKey = await _rows.ScalarAsync<byte[]>("SELECT encrypted_private_key FROM certificate_versions WHERE id = @id", ("id", issued.VersionId));
        using var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(Host.Services.GetRequiredService<ConfigurationCipher>().Decrypt(sealedKey, issued.VersionId), out _);
        Assert.Equal(leaf.PublicKey.ExportSubjectPublicKeyInfo(), key.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public async Task Past_the_deadline_the_job_stays_parked_without_spending_an_attempt_and_is_issued_on_a_later_tick()
    {
        var issuer = await _orders.InsertDigiCertIssuerAsync(Vendor.BaseUrl, FakeCertCentralServer.ApiKey, pollMaxWaitSeconds: 20);
        using var agentKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var (certificateId, jobId, _) = await NewJobAsync(issuer, "agent", new OrderScript { PendingPolls = 2 }, agentKey);

        await PublishAsync(jobId, certificateId, issuer, KeygenMode.Agent);
        var parked = await _orders.WaitUntilParkedAsync(jobId);
        var deadline = _clock.GetUtcNow() + TimeSpan.FromSeconds(20);
        Assert.Equal(deadline, parked.PollDeadline);

        _clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(1, await PollAsync());
        // The 15 s backoff would end after the deadline for some jitter draws: the wait is cut to end at the deadline.
        Assert.True((await _orders.JobAsync(jobId)).NextAttemptAt <= deadline);

        _clock.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(1, await PollAsync());
        var overdue = await _orders.JobAsync(jobId);
        Assert.Equal(("AwaitingIssuer", 1, 0), (overdue.Status, overdue.Attempts, overdue.Polls));
        Assert.Contains("poll deadline", overdue.LastError);
        AssertWithin(overdue.NextAttemptAt, _clock.GetUtcNow(), 300);
        Assert.Equal(overdue.NextAttemptAt + TimeSpan.FromSeconds(20), overdue.PollDeadline);

        _clock.Advance(TimeSpan.FromSeconds(200));
        Assert.Equal(0, await PollAsync());
        _clock.Advance(TimeSpan.FromSeconds(161));
        Assert.Equal(1, await PollAsync());

        var issued = Assert.Single(await Host.Events.WaitForAsync<CertificateIssued>(e => e.JobId == jobId));
        Assert.Equal(("Completed", 1), ((await _orders.JobAsync(jobId)).Status, (await _orders.JobAsync(jobId)).Attempts));
        var chainPem = await _rows.ScalarAsync<string>("SELECT pem_chain FROM certificate_versions WHERE id = @id", ("id", issued.VersionId));
        using var leaf = X509Certificate2.CreateFromPem(chainPem);
        Assert.Equal(agentKey.ExportSubjectPublicKeyInfo(), leaf.PublicKey.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public async Task A_rejected_order_fails_the_job_for_good_and_publishes_IssuanceFailed()
    {
        var issuer = await _orders.InsertDigiCertIssuerAsync(Vendor.BaseUrl, FakeCertCentralServer.ApiKey);
        var (certificateId, jobId, _) = await NewJobAsync(issuer, "server", new OrderScript { PendingPolls = 1, Rejects = true });

        await PublishAsync(jobId, certificateId, issuer, KeygenMode.Server);
        await _orders.WaitUntilParkedAsync(jobId);
        _clock.Advance(TimeSpan.FromSeconds(6));
        await PollAsync();
        _clock.Advance(TimeSpan.FromSeconds(18));
        await PollAsync();

        var failed = Assert.Single(await Host.Events.WaitForAsync<IssuanceFailed>(e => e.JobId == jobId));
        Assert.False(failed.Retryable);
        Assert.Contains("rejected", failed.Reason);
        var job = await _orders.JobAsync(jobId);
        Assert.Equal(("Failed", 1, 1, false), (job.Status, job.Attempts, job.MaxAttempts, job.HasKey));
        Assert.Equal(0L, await _rows.ScalarAsync<long>("SELECT count(*) FROM certificate_versions WHERE job_id = @job_id", ("job_id", jobId)));
        Assert.Empty(Host.Events.Of<CertificateIssued>(e => e.JobId == jobId));
    }

    [Fact]
    public async Task Throttled_and_failing_polls_are_retried_later_honouring_Retry_After_and_never_fail_the_job()
    {
        var issuer = await _orders.InsertDigiCertIssuerAsync(Vendor.BaseUrl, FakeCertCentralServer.ApiKey);
        var script = new OrderScript { ThrottledPolls = 1, RetryAfter = TimeSpan.FromSeconds(120), FailingPolls = 1 };
        var (certificateId, jobId, commonName) = await NewJobAsync(issuer, "server", script);

        await PublishAsync(jobId, certificateId, issuer, KeygenMode.Server);
        await _orders.WaitUntilParkedAsync(jobId);
        _clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(1, await PollAsync());
        var throttled = await _orders.JobAsync(jobId);
        Assert.Equal(("AwaitingIssuer", 1), (throttled.Status, throttled.Attempts));
        Assert.Contains("429", throttled.LastError);
        // Retry-After (120 s) wins over the 15 s backoff.
        Assert.Equal(_clock.GetUtcNow() + TimeSpan.FromSeconds(120), throttled.NextAttemptAt);

        _clock.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(0, await PollAsync());
        _clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(1, await PollAsync());
        var failing = await _orders.JobAsync(jobId);
        Assert.Equal(("AwaitingIssuer", 1, 2), (failing.Status, failing.Attempts, failing.Polls));
        Assert.Contains("503", failing.LastError);

        _clock.Advance(TimeSpan.FromSeconds(54));
        Assert.Equal(1, await PollAsync());
        await Host.Events.WaitForAsync<CertificateIssued>(e => e.JobId == jobId);
        Assert.Equal(3, Assert.Single(Vendor.OrdersFor(commonName)).Polls);
        Assert.Equal(1, (await _orders.JobAsync(jobId)).Attempts);
        Assert.Empty(Host.Events.Of<IssuanceFailed>(e => e.JobId == jobId));
    }

    [Fact]
    public async Task A_repeated_IssueCertificate_for_a_parked_job_submits_no_second_order()
    {
        var issuer = await _orders.InsertDigiCertIssuerAsync(Vendor.BaseUrl, FakeCertCentralServer.ApiKey);
        var (certificateId, jobId, commonName) = await NewJobAsync(issuer, "server", new OrderScript { PendingPolls = 100 });

        // Two deliveries racing, then a late duplicate once the job is parked.
        await Task.WhenAll(
            PublishAsync(jobId, certificateId, issuer, KeygenMode.Server),
            PublishAsync(jobId, certificateId, issuer, KeygenMode.Server));
        var parked = await _orders.WaitUntilParkedAsync(jobId);
        await PublishAsync(jobId, certificateId, issuer, KeygenMode.Server);
        await Task.Delay(TimeSpan.FromSeconds(3));

        Assert.Equal(1, Vendor.SubmissionsFor(commonName));
        var job = await _orders.JobAsync(jobId);
        Assert.Equal(("AwaitingIssuer", parked.OrderId, 1), (job.Status, job.OrderId, job.Attempts));
    }

    [Fact]
    public async Task A_submission_the_CA_cannot_take_now_is_retried_and_then_parked()
    {
        var issuer = await _orders.InsertDigiCertIssuerAsync(Vendor.BaseUrl, FakeCertCentralServer.ApiKey);
        var (certificateId, jobId, commonName) = await NewJobAsync(issuer, "server", new OrderScript { FailingSubmissions = 1, PendingPolls = 5 });

        await PublishAsync(jobId, certificateId, issuer, KeygenMode.Server);

        var parked = await _orders.WaitUntilParkedAsync(jobId);
        Assert.Equal(2, Vendor.SubmissionsFor(commonName));
        Assert.Single(Vendor.OrdersFor(commonName));
        Assert.Equal(1, parked.Attempts);
    }

    [Fact]
    public async Task An_order_issued_at_submission_completes_the_job_without_polling()
    {
        var issuer = await _orders.InsertDigiCertIssuerAsync(Vendor.BaseUrl, FakeCertCentralServer.ApiKey);
        var (certificateId, jobId, commonName) = await NewJobAsync(issuer, "server", new OrderScript { IssueAtSubmission = true });

        await PublishAsync(jobId, certificateId, issuer, KeygenMode.Server);

        await Host.Events.WaitForAsync<CertificateIssued>(e => e.JobId == jobId);
        Assert.Equal(0, Assert.Single(Vendor.OrdersFor(commonName)).Polls);
        var job = await _orders.JobAsync(jobId);
        Assert.Equal(("Completed", 1, false), (job.Status, job.Attempts, job.HasKey));
    }

    [Fact]
    public async Task A_refused_API_key_keeps_the_order_parked_for_an_operator_to_fix()
    {
        var issuer = await _orders.InsertDigiCertIssuerAsync(Vendor.BaseUrl, FakeCertCentralServer.ApiKey);
        var (certificateId, jobId, _) = await NewJobAsync(issuer, "server", new OrderScript { PendingPolls = 100 });
        await PublishAsync(jobId, certificateId, issuer, KeygenMode.Server);
        await _orders.WaitUntilParkedAsync(jobId);

        // Without its encrypted configuration the issuer reads the redacted one: the vendor refuses the "********" key.
        await _rows.ExecuteAsync("UPDATE issuers SET encrypted_config = NULL WHERE id = @i", ("i", issuer));
        _clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(1, await PollAsync());

        var job = await _orders.JobAsync(jobId);
        Assert.Equal(("AwaitingIssuer", 1), (job.Status, job.Attempts));
        Assert.Contains("API key", job.LastError);
    }

    private async Task<(string CertificateId, string JobId, string CommonName)> NewJobAsync(
        string issuer, string keygenMode, OrderScript script, ECDsa? agentKey = null)
    {
        var (certificateId, jobId) = await _rows.InsertRunningJobAsync(keygenMode, issuerId: issuer);
        var commonName = await _rows.ScalarAsync<string>("SELECT common_name FROM managed_certificates WHERE id = @id", ("id", certificateId));
        Vendor.Plan(commonName, script);
        if (agentKey is not null)
        {
            var csr = new CertificateRequest($"CN={commonName}", agentKey, HashAlgorithmName.SHA256).CreateSigningRequestPem();
            await _rows.ExecuteAsync("UPDATE jobs SET csr_pem = @csr WHERE id = @id", ("csr", csr), ("id", jobId));
        }

        return (certificateId, jobId, commonName);
    }

    private Task<int> PollAsync() => Host.Services.GetRequiredService<AsyncOrderPoller>().PollDueAsync(CancellationToken.None);

    private Task PublishAsync(string jobId, string certificateId, string issuerId, KeygenMode mode) =>
        Host.Services.GetRequiredService<IBus>().Publish(new IssueCertificate(jobId, certificateId, issuerId, mode, null, 1, DateTimeOffset.UtcNow));

    /// <summary>Asserts <paramref name="actual"/> is <paramref name="from"/> plus the nominal wait ±20 % (the jitter).</summary>
    private static void AssertWithin(DateTimeOffset actual, DateTimeOffset from, double nominalSeconds)
    {
        var waited = (actual - from).TotalSeconds;
        Assert.InRange(waited, (nominalSeconds * 0.8) - 0.01, (nominalSeconds * 1.2) + 0.01);
    }

    private static void AssertChainsTo(X509Certificate2 leaf, X509Certificate2 root)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(chain.Build(leaf), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
    }
}
