using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Certctl.Contracts;
using Certctl.Domain;
using Certctl.Secrets;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Certctl.CaConnector.Tests;

/// <summary>IssueCertificate end to end: published on a real RabbitMQ, consumed by the connector, stored in a real Postgres.</summary>
public sealed class IssueCertificateTests(
    MigratedDatabaseFixture<IssueCertificateTests> database,
    RabbitMqVirtualHostFixture<IssueCertificateTests> broker,
    ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<IssueCertificateTests>>, IClassFixture<RabbitMqVirtualHostFixture<IssueCertificateTests>>, IAsyncLifetime
{
    private readonly IssuanceRows _rows = new(database.ConnectionString);
    private ConnectorHost? _host;

    private ConnectorHost Host => _host!;

    public async Task InitializeAsync() => _host = await ConnectorHost.StartAsync(database.ConnectionString, broker.AmqpUri, output);

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_server_key_job_is_issued_once_and_its_version_verifies_against_the_CA_chain()
    {
        var (certificateId, jobId) = await _rows.InsertRunningJobAsync("server");

        await PublishAsync(jobId, certificateId, KeygenMode.Server);

        var issued = Assert.Single(await Host.Events.WaitForAsync<CertificateIssued>(e => e.JobId == jobId));
        Assert.Equal(1L, await _rows.ScalarAsync<long>("SELECT count(*) FROM certificate_versions WHERE job_id = @job_id", ("job_id", jobId)));
        Assert.Equal("Completed", await _rows.ScalarAsync<string>("SELECT status FROM jobs WHERE id = @job_id", ("job_id", jobId)));
        Assert.Equal(1, await _rows.ScalarAsync<int>("SELECT attempts FROM jobs WHERE id = @job_id", ("job_id", jobId)));
        Assert.Equal("Active", await _rows.ScalarAsync<string>("SELECT status FROM managed_certificates WHERE id = @id", ("id", certificateId)));
        Assert.Equal(issued.NotAfter, await _rows.ScalarAsync<DateTime>("SELECT expires_at FROM managed_certificates WHERE id = @id", ("id", certificateId)), TimeSpan.FromSeconds(1));

        var chainPem = await _rows.ScalarAsync<string>("SELECT pem_chain FROM certificate_versions WHERE id = @id", ("id", issued.VersionId));
        using var leaf = X509Certificate2.CreateFromPem(chainPem);
        Assert.Equal(issued.SerialNumber, leaf.SerialNumber.TrimStart('0').ToLowerInvariant());
        await AssertChainsToStoredRootAsync(leaf);

        // The server-made key is stored encrypted, bound to the version, and belongs to the leaf.
        var sealedKey = await _rows.ScalarAsync<byte[]>("SELECT encrypted_private_key FROM certificate_versions WHERE id = @id", ("id", issued.VersionId));
        var pkcs8 = Host.Services.GetRequiredService<ConfigurationCipher>().Decrypt(sealedKey, issued.VersionId);
        using var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(pkcs8, out _);
        Assert.Equal(leaf.PublicKey.ExportSubjectPublicKeyInfo(), key.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public async Task Issuance_queues_one_deployment_job_per_enabled_mapped_target_for_that_target_s_agent()
    {
        var (certificateId, jobId) = await _rows.InsertRunningJobAsync("server");
        var suffix = jobId[^8..];
        await _rows.ExecuteAsync("""
            INSERT INTO deployment_targets (id, name, type, agent_id, enabled, retired_at) VALUES
                ('tgt-on-' || @s, 'tgt-on-' || @s, 'NGINX', 'server-scanner', TRUE, NULL),
                ('tgt-off-' || @s, 'tgt-off-' || @s, 'NGINX', 'server-scanner', FALSE, NULL),
                ('tgt-gone-' || @s, 'tgt-gone-' || @s, 'NGINX', 'server-scanner', TRUE, now());
            INSERT INTO certificate_target_mappings (certificate_id, target_id)
            SELECT @certificate_id, t FROM unnest(ARRAY['tgt-on-' || @s, 'tgt-off-' || @s, 'tgt-gone-' || @s]) AS t;
            """, ("s", suffix), ("certificate_id", certificateId));

        await PublishAsync(jobId, certificateId, KeygenMode.Server);
        await Host.Events.WaitForAsync<CertificateIssued>(e => e.JobId == jobId);

        Assert.Equal(1L, await _rows.ScalarAsync<long>(
            """
            SELECT count(*) FROM jobs
            WHERE certificate_id = @id AND type = 'Deployment' AND status = 'Pending' AND target_id = 'tgt-on-' || @s AND agent_id = 'server-scanner'
            """, ("id", certificateId), ("s", suffix)));
        Assert.Equal(1L, await _rows.ScalarAsync<long>("SELECT count(*) FROM jobs WHERE certificate_id = @id AND type = 'Deployment'", ("id", certificateId)));
    }

    [Fact]
    public async Task A_repeated_command_for_the_same_job_creates_no_second_version_and_repeats_the_news()
    {
        using var agentKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = new CertificateRequest("CN=agent.example.com", agentKey, HashAlgorithmName.SHA256).CreateSigningRequestPem();
        var (certificateId, jobId) = await _rows.InsertRunningJobAsync("agent", csr);

        // Two deliveries racing, then a late duplicate after the job completed.
        await Task.WhenAll(PublishAsync(jobId, certificateId, KeygenMode.Agent), PublishAsync(jobId, certificateId, KeygenMode.Agent));
        await Host.Events.WaitForAsync<CertificateIssued>(e => e.JobId == jobId);
        await PublishAsync(jobId, certificateId, KeygenMode.Agent);

        var news = await Host.Events.WaitForAsync<CertificateIssued>(e => e.JobId == jobId, count: 3);
        Assert.Single(news.Select(e => e.VersionId).Distinct());
        Assert.Equal(1L, await _rows.ScalarAsync<long>("SELECT count(*) FROM certificate_versions WHERE certificate_id = @id", ("id", certificateId)));
        Assert.Equal(1, await _rows.ScalarAsync<int>("SELECT attempts FROM jobs WHERE id = @job_id", ("job_id", jobId)));

        var chainPem = await _rows.ScalarAsync<string>("SELECT pem_chain FROM certificate_versions WHERE job_id = @job_id", ("job_id", jobId));
        using var leaf = X509Certificate2.CreateFromPem(chainPem);
        Assert.Equal(agentKey.ExportSubjectPublicKeyInfo(), leaf.PublicKey.ExportSubjectPublicKeyInfo());
        await AssertChainsToStoredRootAsync(leaf);
    }

    [Fact]
    public async Task A_bad_CSR_fails_the_job_for_good_and_publishes_IssuanceFailed()
    {
        const string garbage = "-----BEGIN CERTIFICATE REQUEST-----\nbm90IGEgQ1NS\n-----END CERTIFICATE REQUEST-----\n";
        var (certificateId, jobId) = await _rows.InsertRunningJobAsync("agent", garbage);

        await PublishAsync(jobId, certificateId, KeygenMode.Agent);

        var failed = Assert.Single(await Host.Events.WaitForAsync<IssuanceFailed>(e => e.JobId == jobId));
        Assert.False(failed.Retryable);
        Assert.Equal(certificateId, failed.CertificateId);
        Assert.Equal("Failed", await _rows.ScalarAsync<string>("SELECT status FROM jobs WHERE id = @job_id", ("job_id", jobId)));
        Assert.True(await _rows.ScalarAsync<bool>("SELECT attempts = 1 AND max_attempts = 1 FROM jobs WHERE id = @job_id", ("job_id", jobId)));
        Assert.Equal(0L, await _rows.ScalarAsync<long>("SELECT count(*) FROM certificate_versions WHERE job_id = @job_id", ("job_id", jobId)));
        Assert.Empty(Host.Events.Of<CertificateIssued>(e => e.JobId == jobId));
    }

    private Task PublishAsync(string jobId, string certificateId, KeygenMode mode) =>
        Host.Services.GetRequiredService<IBus>().Publish(new IssueCertificate(jobId, certificateId, "iss-local", mode, null, 1, DateTimeOffset.UtcNow));

    private async Task AssertChainsToStoredRootAsync(X509Certificate2 leaf)
    {
        var rootPem = await _rows.ScalarAsync<string>("SELECT certificate_pem FROM issuer_ca_keys WHERE issuer_id = 'iss-local'");
        using var root = X509Certificate2.CreateFromPem(rootPem);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(chain.Build(leaf), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
        Assert.Equal(root.Thumbprint, chain.ChainElements[^1].Certificate.Thumbprint);
    }
}
