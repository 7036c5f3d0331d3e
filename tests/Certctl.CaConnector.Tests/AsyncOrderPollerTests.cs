using Certctl.CaConnector.Polling;
using Certctl.CaConnector.Tests.FakeVendors;
using Certctl.Contracts;
using Microsoft.Extensions.DependencyInjection;

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
    private AsyncIssuerHarness? _harness;

    private AsyncIssuerHarness H => _harness!;

    // The hosted loop stays: it ticks on the fake clock.
    public async Task InitializeAsync() =>
        _harness = await AsyncIssuerHarness.StartAsync(database.ConnectionString, broker.AmqpUri, output, withPollLoop: true);

    public async Task DisposeAsync()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_hosted_loop_polls_a_pending_order_to_issuance_as_the_clock_moves()
    {
        var job = await H.NewJobAsync(await H.DigiCertIssuerAsync(), new OrderScript { PendingPolls = 2 });
        await H.PublishAsync(job);
        await H.Orders.WaitUntilParkedAsync(job.JobId);

        // 5 s + 15 s + 45 s of backoff (at most 78 s with jitter), in 2 s ticks of the loop.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var issued = H.Host.Events.WaitForAsync<CertificateIssued>(e => e.JobId == job.JobId);
        while (!issued.IsCompleted && !timeout.IsCancellationRequested)
        {
            H.Clock.Advance(TimeSpan.FromSeconds(2));
            await Task.Delay(20);
        }

        await issued;
        Assert.Equal("Completed", (await H.Orders.JobAsync(job.JobId)).Status);
    }

    [Fact]
    public async Task Two_pollers_share_the_due_orders_and_poll_each_once()
    {
        var issuer = await H.DigiCertIssuerAsync();
        var jobs = new List<OrderJob>();
        for (var i = 0; i < 12; i++)
        {
            var job = await H.NewJobAsync(issuer, new OrderScript { PendingPolls = 100 });
            await H.PublishAsync(job);
            jobs.Add(job);
        }

        foreach (var job in jobs)
        {
            await H.Orders.WaitUntilParkedAsync(job.JobId);
        }

        // Two replicas' pollers at the same instant; the hosted loop races them too. Each order is claimed by exactly one.
        var other = ActivatorUtilities.CreateInstance<AsyncOrderPoller>(H.Host.Services);
        H.Clock.Advance(TimeSpan.FromSeconds(6));
        await Task.WhenAll(H.PollAsync(), other.PollDueAsync(CancellationToken.None));
        await WaitUntilAsync(async () => (await Task.WhenAll(jobs.Select(job => H.Orders.JobAsync(job.JobId)))).All(row => row.Polls == 1));

        Assert.All(jobs, job => Assert.Equal(1, Assert.Single(H.Vendor.OrdersFor(job.CommonName)).Polls));
    }

    [Fact]
    public async Task A_submission_that_never_finished_fails_the_job_retryably_once_its_grace_has_passed()
    {
        var job = await H.NewJobAsync(await H.DigiCertIssuerAsync(), new OrderScript());
        // What a connector that died between "AwaitingIssuer" and recording the order id leaves behind.
        await H.Rows.ExecuteAsync(
            "UPDATE jobs SET status = 'AwaitingIssuer', attempts = 1, lease_expires_at = NULL, next_attempt_at = @at::timestamptz WHERE id = @id",
            ("at", (H.Clock.GetUtcNow() + AsyncOrderSubmission.SubmissionGrace).ToString("O")), ("id", job.JobId));

        H.Clock.Advance(AsyncOrderSubmission.SubmissionGrace + TimeSpan.FromSeconds(2));
        // The hosted loop may be mid-run as the clock jumps; this poll (or the loop's) claims the job.
        await H.PollAsync();

        var failed = Assert.Single(await H.Host.Events.WaitForAsync<IssuanceFailed>(e => e.JobId == job.JobId));
        Assert.True(failed.Retryable);
        Assert.Contains("did not finish", failed.Reason);
        Assert.Equal(job.CertificateId, failed.CertificateId);
        var row = await H.Orders.JobAsync(job.JobId);
        Assert.Equal(("Failed", 1, 3), (row.Status, row.Attempts, row.MaxAttempts));
    }

    [Fact]
    public async Task A_job_cancelled_while_its_order_was_pending_stores_nothing_when_the_order_is_issued()
    {
        var job = await H.NewJobAsync(await H.DigiCertIssuerAsync(), new OrderScript());
        await H.PublishAsync(job);
        await H.Orders.WaitUntilParkedAsync(job.JobId);
        await H.Rows.ExecuteAsync("UPDATE jobs SET status = 'Cancelled' WHERE id = @id", ("id", job.JobId));

        H.Clock.Advance(TimeSpan.FromSeconds(10));
        await H.PollAsync();
        await Task.Delay(500);

        Assert.Equal(0, Assert.Single(H.Vendor.OrdersFor(job.CommonName)).Polls);
        Assert.Equal(0L, await H.Rows.ScalarAsync<long>("SELECT count(*) FROM certificate_versions WHERE job_id = @job_id", ("job_id", job.JobId)));
        Assert.Empty(H.Host.Events.Of<CertificateIssued>(e => e.JobId == job.JobId));
    }

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
