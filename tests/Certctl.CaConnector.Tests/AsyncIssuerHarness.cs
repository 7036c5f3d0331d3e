using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Certctl.CaConnector.Polling;
using Certctl.CaConnector.Tests.FakeVendors;
using Certctl.Contracts;
using Certctl.Domain;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Certctl.CaConnector.Tests;

/// <summary>
/// What an async-issuer test runs on: the fake CertCentral, the connector host on a fake clock (with or without its hosted
/// poll loop), and helpers to make jobs for DigiCert issuers pointed at the fake.
/// </summary>
public sealed class AsyncIssuerHarness : IAsyncDisposable
{
    private AsyncIssuerHarness(string connectionString, FakeCertCentralServer vendor)
    {
        Rows = new IssuanceRows(connectionString);
        Orders = new AsyncIssuerRows(connectionString);
        Vendor = vendor;
    }

    /// <summary>Starts on a whole millisecond near the real time, so times read back from Postgres compare equal.</summary>
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));

    public FakeCertCentralServer Vendor { get; }

    public ConnectorHost Host { get; private set; } = null!;

    public IssuanceRows Rows { get; }

    public AsyncIssuerRows Orders { get; }

    /// <summary>What the poller's metrics recorded, on a meter of this harness's own.</summary>
    public MetricRecorder Metrics { get; } = new();

    /// <param name="withPollLoop">Keep the hosted loop (it ticks on the fake clock); without it each poll is the test's own call.</param>
    public static async Task<AsyncIssuerHarness> StartAsync(string connectionString, Uri amqpUri, ITestOutputHelper output, bool withPollLoop)
    {
        var harness = new AsyncIssuerHarness(connectionString, await FakeCertCentralServer.StartAsync());
        // A test class shares one database: orders an earlier test left parked must not be claimed by this test's polls.
        await harness.Rows.ExecuteAsync("UPDATE jobs SET status = 'Cancelled' WHERE status = 'AwaitingIssuer'");
        harness.Host = await ConnectorHost.StartAsync(connectionString, amqpUri, output, services =>
        {
            services.Replace(ServiceDescriptor.Singleton<TimeProvider>(harness.Clock));
            services.Replace(ServiceDescriptor.Singleton(new AsyncOrderMetrics(harness.Metrics.Meter)));
            foreach (var loop in services.Where(d => !withPollLoop && d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(AsyncOrderPollLoop)).ToList())
            {
                services.Remove(loop);
            }
        });
        return harness;
    }

    public Task<string> DigiCertIssuerAsync(int? pollMaxWaitSeconds = null) =>
        Orders.InsertDigiCertIssuerAsync(Vendor.BaseUrl, FakeCertCentralServer.ApiKey, pollMaxWaitSeconds);

    /// <summary>A Running job for a new certificate on <paramref name="issuer"/>, its order scripted at the fake; in agent key mode with the agent's CSR.</summary>
    public async Task<OrderJob> NewJobAsync(string issuer, OrderScript script, ECDsa? agentKey = null)
    {
        var (certificateId, jobId) = await Rows.InsertRunningJobAsync(agentKey is null ? "server" : "agent", issuerId: issuer);
        var commonName = await Rows.ScalarAsync<string>("SELECT common_name FROM managed_certificates WHERE id = @id", ("id", certificateId));
        Vendor.Plan(commonName, script);
        if (agentKey is not null)
        {
            var csr = new CertificateRequest($"CN={commonName}", agentKey, HashAlgorithmName.SHA256).CreateSigningRequestPem();
            await Rows.ExecuteAsync("UPDATE jobs SET csr_pem = @csr WHERE id = @id", ("csr", csr), ("id", jobId));
        }

        return new OrderJob(certificateId, jobId, commonName, issuer, agentKey is null ? KeygenMode.Server : KeygenMode.Agent);
    }

    /// <summary>What the dispatcher sends for the job's first attempt.</summary>
    public Task PublishAsync(OrderJob job) =>
        Host.Services.GetRequiredService<IBus>().Publish(new IssueCertificate(job.JobId, job.CertificateId, job.IssuerId, job.Mode, null, 1, DateTimeOffset.UtcNow));

    /// <summary>One poll run; how many orders it claimed.</summary>
    public Task<int> PollAsync() => Host.Services.GetRequiredService<AsyncOrderPoller>().PollDueAsync(CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        await Vendor.DisposeAsync();
        Metrics.Dispose();
    }
}

/// <summary>A test's job on an async issuer.</summary>
public sealed record OrderJob(string CertificateId, string JobId, string CommonName, string IssuerId, KeygenMode Mode);
