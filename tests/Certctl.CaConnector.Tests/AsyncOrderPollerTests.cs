using Certctl.CaConnector.Polling;
using Certctl.CaConnector.Tests.FakeCertCentral;
using Certctl.Contracts;
using Certctl.Domain;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Certctl.CaConnector.Tests;

/// <summary>
/// The poller as a whole: its hosted loop, replicas sharing the due orders, a submission that never finished, a job cancelled
/// while its order was pending. Real Postgres and RabbitMQ, the fake CertCentral, a fake clock.
/// </summary>
public sealed class AsyncOrderPollerTests(
    MigratedDatabaseFixture<AsyncOrderPollerTests> database,
    RabbitMqVirtualHostFixture<AsyncOrderPollerTests> broker,
    ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<AsyncOrderPollerTests>>, IClassFixture<RabbitMqVirtualHostFixture<AsyncOrderPollerTests>>, IAsyncLifetime
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
        await _rows.ExecuteAsync("UPDATE jobs SET status = 'Cancelled' WHERE status = 'AwaitingIssuer'");
        _vendor = await FakeCertCentralServer.StartAsync();
        // The hosted loop stays: it ticks on the fake clock.
        _host = await ConnectorHost.StartAsync(database.ConnectionString, broker.AmqpUri, output,
            services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(_clock)));
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
    public async Task The_hosted_loop_polls_a_pending_order_to_issuance_as_the_clock_moves()
    {
        var issuer = await _orders.InsertDigiCertIssuerAsync(Vendor.BaseUrl, FakeCertCentralServer.ApiKey);
        var (certificateId, jobId, _) = await NewJobAsync(issuer, new OrderScript { PendingPolls = 2 });
        await PublishAsync(jobId, certificateId, issuer);
        await _orders.WaitUntilParkedAsync(jobId);

        // 5 s + 15 s + 45 s of backoff (at most 78 s with jitter), in 2 s ticks of the loop.
        using var issued = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var waiting = Host.Events.WaitForAsync<CertificateIssued>(e => e.JobId == jobId);
        while (!waiting.IsCompleted && !issued.IsCancellationRequested)
        {
            _clock.Advance(TimeSpan.FromSeconds(2));
            await Task.Delay(20);
        }

        await waiting;
        Assert.Equal("Completed", (await _orders.JobAsync(jobId)).Status);
    }

    [Fact]
    public async Task Two_pollers_share_the_due_orders_and_poll_each_once()
    {
        var issuer = await _orders.InsertDigiCertIssuerAsync(Vendor.BaseUrl, FakeCertCentralServer.ApiKey);
        var jobs = new List<(string JobId, string CommonName)>();
        for (var i = 0; i < 12; i++)
        {
            var (certificateId, jobId, commonName) = await NewJobAsync(issuer, new OrderScript { PendingPolls = 100 });
            await PublishAsync(jobId, certificateId, issuer);
            jobs.Add((jobId, commonName));
        }

        foreach (var (jobId, _) in jobs)
        {
            await _orders.WaitUntilParkedAsync(jobId);
        }

        // Two replicas' pollers at the same instant; the hosted loop races them too. Each order is claimed by exactly one.
        var poller = Host.Services.GetRequiredService<AsyncOrderPoller>();
        var other = ActivatorUtilities.CreateInstance<AsyncOrderPoller>(Host.Services);
        _clock.Advance(TimeSpan.FromSeconds(6));
        await Task.WhenAll(poller.PollDueAsync(CancellationToken.None), other.PollDueAsync(CancellationToken.None));
        await WaitUntilAsync(async () => (await Task.WhenAll(jobs.Select(job => _orders.JobAsync(job.JobId)))).All(job => job.Polls == 1));

        Assert.All(jobs, job => Assert.Equal(1, Assert.Single(Vendor.OrdersFor(job.CommonName)).Polls));
    }

    [Fact]
    public async Task A_submission_that_never_finished_fails_the_job_retryably_once_its_grace_has_passed()
    {
        var issuer = await _orders.InsertDigiCertIssuerAsync(Vendor.BaseUrl, FakeCertCentralServer.ApiKey);
        var (certificateId, jobId, _) = await NewJobAsync(issuer, new OrderScript());
        // What a connector that died between "AwaitingIssuer" and recording the order id leaves behind.
        await _rows.ExecuteAsync(
            "UPDATE jobs SET status = 'AwaitingIssuer', attempts = 1, lease_expires_at = NULL, next_attempt_at = @at::timestamptz WHERE id = @id",
            ("at", (_clock.GetUtcNow() + AsyncOrderSubmission.SubmissionGrace).ToString("O")), ("id", jobId));

        _clock.Advance(AsyncOrderSubmission.SubmissionGrace + TimeSpan.FromSeconds(2));
        // The hosted loop may be mid-run as the clock jumps; this poll (or the loop's) claims the job.
        await Host.Services.GetRequiredService<AsyncOrderPoller>().PollDueAsync(CancellationToken.None);

        var failed = Assert.Single(await Host.Events.WaitForAsync<IssuanceFailed>(e => e.JobId == jobId));
        Assert.True(failed.Retryable);
        Assert.Contains("did not finish", failed.Reason);
        var job = await _orders.JobAsync(jobId);
        Assert.Equal(("Failed", 1, 3), (job.Status, job.Attempts, job.MaxAttempts));
        Assert.Equal(certificateId, failed.CertificateId);
    }

    [Fact]
    public async Task A_job_cancelled_while_its_order_was_pending_stores_nothing_when_the_order_is_issued()
    {
        var issuer = await _orders.InsertDigiCertIssuerAsync(Vendor.BaseUrl, FakeCertCentralServer.ApiKey);
        var (certificateId, jobId, commonName) = await NewJobAsync(issuer, new OrderScript());
        await PublishAsync(jobId, certificateId, issuer);
        await _orders.WaitUntilParkedAsync(jobId);
        await _rows.ExecuteAsync("UPDATE jobs SET status = 'Cancelled' WHERE id = @id", ("id", jobId));

        _clock.Advance(TimeSpan.FromSeconds(10));
        await Host.Services.GetRequiredService<AsyncOrderPoller>().PollDueAsync(CancellationToken.None);
        await Task.Delay(500);

        Assert.Equal(0, Assert.Single(Vendor.OrdersFor(commonName)).Polls);
        Assert.Equal(0L, await _rows.ScalarAsync<long>("SELECT count(*) FROM certificate_versions WHERE job_id = @job_id", ("job_id", jobId)));
        Assert.Empty(Host.Events.Of<CertificateIssued>(e => e.JobId == jobId));
    }

    private async Task<(string CertificateId, string JobId, string CommonName)> NewJobAsync(string issuer, OrderScript script)
    {
        var (certificateId, jobId) = await _rows.InsertRunningJobAsync("server", issuerId: issuer);
        var commonName = await _rows.ScalarAsync<string>("SELECT common_name FROM managed_certificates WHERE id = @id", ("id", certificateId));
        Vendor.Plan(commonName, script);
        return (certificateId, jobId, commonName);
    }

    private Task PublishAsync(string jobId, string certificateId, string issuerId) =>
        Host.Services.GetRequiredService<IBus>().Publish(new IssueCertificate(jobId, certificateId, issuerId, KeygenMode.Server, null, 1, DateTimeOffset.UtcNow));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, int timeoutSeconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"The condition did not hold within {timeoutSeconds} s.");
            await Task.Delay(50);
        }
    }
}
