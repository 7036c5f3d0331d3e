using System.Security.Cryptography.X509Certificates;
using Certctl.CaConnector.Tests.FakeVendors;
using Certctl.Contracts;

namespace Certctl.CaConnector.Tests;

/// <summary>A Sectigo-style issuer on the same order framework, against the fake Certificate Manager; the poller driven on a fake clock.</summary>
public sealed class SectigoIssuerTests(
    MigratedDatabaseFixture<SectigoIssuerTests> database,
    RabbitMqVirtualHostFixture<SectigoIssuerTests> broker,
    ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<SectigoIssuerTests>>, IClassFixture<RabbitMqVirtualHostFixture<SectigoIssuerTests>>, IAsyncLifetime
{
    private AsyncIssuerHarness? _harness;
    private FakeSectigoServer? _sectigo;

    private AsyncIssuerHarness H => _harness!;

    private FakeSectigoServer Sectigo => _sectigo!;

    public async Task InitializeAsync()
    {
        _harness = await AsyncIssuerHarness.StartAsync(database.ConnectionString, broker.AmqpUri, output, withPollLoop: false);
        _sectigo = await FakeSectigoServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_sectigo is not null)
        {
            await _sectigo.DisposeAsync();
        }

        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }
    }

    [Fact]
    public async Task An_applied_enrollment_is_polled_and_collected_once_the_certificate_is_available()
    {
        var script = new OrderScript { PendingPolls = 2, NotCollectable = 1 };
        var job = await NewJobAsync(script);

        await H.PublishAsync(job);
        var parked = await H.Orders.WaitUntilParkedAsync(job.JobId);
        var order = Assert.Single(Sectigo.OrdersFor(job.CommonName));
        Assert.Equal(order.Id.ToString(), parked.OrderId);
        Assert.Equal(1, order.Polls);

        H.Clock.Advance(TimeSpan.FromSeconds(6));
        await H.PollAsync();
        Assert.Equal("AwaitingIssuer", (await H.Orders.JobAsync(job.JobId)).Status);
        H.Clock.Advance(TimeSpan.FromSeconds(18));
        await H.PollAsync();
        var notYet = await H.Orders.JobAsync(job.JobId);
        Assert.Equal("AwaitingIssuer", notYet.Status);
        Assert.Contains("not collectable yet", notYet.LastError);
        H.Clock.Advance(TimeSpan.FromSeconds(54));
        await H.PollAsync();

        var issued = Assert.Single(await H.Host.Events.WaitForAsync<CertificateIssued>(e => e.JobId == job.JobId));
        Assert.Equal((4, 2), (order.Polls, Sectigo.CollectsOf(order.Id)));
        Assert.Equal(4343, order.OrganizationId);
        var pem = await H.Rows.ScalarAsync<string>("SELECT pem_chain FROM certificate_versions WHERE id = @id", ("id", issued.VersionId));
        using var leaf = X509Certificate2.CreateFromPem(pem);
        Assert.Equal(Sectigo.Ca.Root.Subject, leaf.Issuer);
        Assert.Equal(("Completed", 1), ((await H.Orders.JobAsync(job.JobId)).Status, (await H.Orders.JobAsync(job.JobId)).Attempts));
    }

    [Fact]
    public async Task A_rejected_enrollment_fails_the_job_for_good()
    {
        var job = await NewJobAsync(new OrderScript { PendingPolls = 1, Rejects = true });

        await H.PublishAsync(job);
        await H.Orders.WaitUntilParkedAsync(job.JobId);
        H.Clock.Advance(TimeSpan.FromSeconds(6));
        await H.PollAsync();

        var failed = Assert.Single(await H.Host.Events.WaitForAsync<IssuanceFailed>(e => e.JobId == job.JobId));
        Assert.False(failed.Retryable);
        Assert.Contains("Rejected", failed.Reason);
        Assert.Equal("Failed", (await H.Orders.JobAsync(job.JobId)).Status);
    }

    private async Task<OrderJob> NewJobAsync(OrderScript script)
    {
        var issuer = await H.Orders.InsertIssuerAsync("Sectigo", new Dictionary<string, object?>
        {
            ["customer_uri"] = FakeSectigoServer.CustomerUri,
            ["login"] = FakeSectigoServer.Login,
            ["password"] = FakeSectigoServer.Password,
            ["org_id"] = 4343,
            ["cert_type"] = 17,
            ["base_url"] = Sectigo.BaseUrl,
        });
        var job = await H.NewJobAsync(issuer, script);
        Sectigo.Plan(job.CommonName, script);
        return job;
    }
}
