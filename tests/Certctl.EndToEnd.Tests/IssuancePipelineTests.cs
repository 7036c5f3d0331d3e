using System.Security.Cryptography.X509Certificates;
using Certctl.Client;
using Certctl.Client.Models;

namespace Certctl.EndToEnd.Tests;

/// <summary>
/// The certificate pipeline through the real suite: an operator's renew becomes a job, the scheduler dispatches it over
/// RabbitMQ, the CA connector signs with the local CA, and the job, the certificate and its new version show the outcome.
/// </summary>
[Collection(SuiteCollection.Name)]
public sealed class IssuancePipelineTests(SuiteFixture suite)
{
    private static readonly TimeSpan PipelineTimeout = TimeSpan.FromSeconds(90);

    private ICertctlApi Client => CertctlClient.Create(new Uri($"http://localhost:{suite.GatewayPort}"), suite.ApiKey);

    [Fact]
    public async Task A_manual_renew_in_server_key_mode_is_issued_by_the_local_ca_and_verifies_against_its_chain()
    {
        using var startup = new CancellationTokenSource(SuiteFixture.StartupTimeout);
        foreach (var resource in new[] { "gateway", "scheduler", "ca-connector" })
        {
            await suite.App.ResourceNotifications.WaitForResourceHealthyAsync(resource, startup.Token);
        }

        var name = $"e2e-{Guid.NewGuid():N}"[..20];
        var created = await Client.CreateCertificateAsync(
            new CertificateCreateRequest(name, $"{name}.example.test", "o-alice", "t-platform", "iss-local", "rp-standard")
            {
                KeygenMode = "server",
            });
        var renewal = await Client.RenewCertificateAsync(created.Id);

        var job = await WaitForJobAsync(renewal.JobId);
        Assert.Equal("Completed", job.Status);
        var certificate = await Client.GetCertificateAsync(created.Id);
        Assert.Equal("Active", certificate.Status);
        var version = Assert.Single((await Client.ListCertificateVersionsAsync(created.Id)).Data);
        Assert.Equal(renewal.JobId, version.JobId);
        Assert.Equal(certificate.ExpiresAt, version.NotAfter);
        AssertChainVerifies(version.PemChain, $"{name}.example.test");
    }

    [Fact]
    public async Task A_certificate_that_enters_its_window_is_renewed_by_the_scheduler_and_its_new_version_verifies()
    {
        using var startup = new CancellationTokenSource(SuiteFixture.StartupTimeout);
        foreach (var resource in new[] { "gateway", "scheduler", "ca-connector" })
        {
            await suite.App.ResourceNotifications.WaitForResourceHealthyAsync(resource, startup.Token);
        }

        // An issued certificate (first version from a manual renew) ...
        var name = $"e2s-{Guid.NewGuid():N}"[..20];
        var created = await Client.CreateCertificateAsync(
            new CertificateCreateRequest(name, $"{name}.example.test", "o-alice", "t-platform", "iss-local", "rp-standard") { KeygenMode = "server" });
        var first = await WaitForJobAsync((await Client.RenewCertificateAsync(created.Id)).JobId);
        Assert.Equal("Completed", first.Status);

        // ... that then ages into rp-standard's 30-day window: nobody asks, the scheduler's renewal scan (every minute here) does.
        var batch = new RenewalBatch(suite.DatabaseConnectionString, name);
        Assert.Equal(1, await batch.ExecuteAsync("UPDATE managed_certificates SET expires_at = now() + interval '3 days' WHERE id = @id", ("id", created.Id)));
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromMinutes(2) + PipelineTimeout;
        Job? renewal = null;
        while (renewal is not { Status: "Completed" or "Failed" or "Cancelled" } && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250));
            var jobs = await Client.ListJobsAsync(new JobListQuery { CertificateId = created.Id });
            renewal = jobs.Data.FirstOrDefault(job => job.Id != first.Id);
        }

        Assert.NotNull(renewal);
        Assert.Equal(("Renewal", "Completed", "scheduler"), (renewal.Type, renewal.Status, renewal.RequestedBy));
        var certificate = await Client.GetCertificateAsync(created.Id);
        Assert.Equal("Active", certificate.Status);
        var versions = (await Client.ListCertificateVersionsAsync(created.Id)).Data;
        Assert.Equal(2, versions.Count);
        var newest = Assert.Single(versions, version => version.JobId == renewal.Id);
        Assert.Equal(certificate.ExpiresAt, newest.NotAfter);
        Assert.True(newest.NotAfter > DateTimeOffset.UtcNow.AddDays(3), "the renewal did not extend the expiry");
        AssertChainVerifies(newest.PemChain, $"{name}.example.test");
    }

    private async Task<Job> WaitForJobAsync(string jobId)
    {
        var deadline = DateTimeOffset.UtcNow + PipelineTimeout;
        while (true)
        {
            var job = await Client.GetJobAsync(jobId);
            if (job.Status is "Completed" or "Failed" or "Cancelled" || DateTimeOffset.UtcNow > deadline)
            {
                return job;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }

    // The chain the connector stored is leaf, then the CAs above it up to the local root; the root is trusted for this check only.
    private static void AssertChainVerifies(string pemChain, string dnsName)
    {
        var certificates = new X509Certificate2Collection();
        certificates.ImportFromPem(pemChain);
        Assert.True(certificates.Count >= 2, $"expected the leaf and its CA, got {certificates.Count} certificate(s)");
        var leaf = certificates[0];
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.Add(certificates[^1]);
        for (var i = 1; i < certificates.Count - 1; i++)
        {
            chain.ChainPolicy.ExtraStore.Add(certificates[i]);
        }

        Assert.True(chain.Build(leaf), string.Join("; ", chain.ChainStatus.Select(status => status.StatusInformation)));
        Assert.True(leaf.MatchesHostname(dnsName));
    }
}
