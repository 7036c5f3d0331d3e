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
