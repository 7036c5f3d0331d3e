using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Certctl.Contracts;
using Certctl.Domain;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Certctl.CaConnector.Tests.Acme;

/// <summary>What an ACME connector test runs on: a pebble, the class's database and broker, and a connector host that can be restarted.</summary>
public sealed class AcmeHarness(PebbleServer pebble, int httpPort, string connectionString, Uri amqpUri, ITestOutputHelper output) : IAsyncDisposable
{
    public PebbleServer Pebble { get; } = pebble;

    public IssuanceRows Rows { get; } = new(connectionString);

    public AsyncIssuerRows Issuers { get; } = new(connectionString);

    public ConnectorHost Host { get; private set; } = null!;

    /// <summary>Starts a connector host (a new process, as far as the connector can tell), stopping the current one first.</summary>
    /// <param name="configureServices">Replaces registrations of the new host (e.g. options).</param>
    public async Task StartHostAsync(Action<IServiceCollection>? configureServices = null)
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        // MassTransit keeps its log context in an AsyncLocal: a host started in this flow after another one was disposed
        // would pick up the disposed host's logger factory. A new process has a fresh context; so gets each host here.
        Task<ConnectorHost> start;
        using (ExecutionContext.SuppressFlow())
        {
            start = Task.Run(() => ConnectorHost.StartAsync(connectionString, amqpUri, output, configureServices));
        }

        Host = await start;
    }

    /// <summary>An enabled ACME issuer on this pebble, trusting its TLS root; <paramref name="extra"/> adds or overrides keys.</summary>
    public Task<string> IssuerAsync(Dictionary<string, object?>? extra = null)
    {
        var configuration = new Dictionary<string, object?>
        {
            ["directory_url"] = Pebble.DirectoryUrl,
            ["email"] = "pki@example.com",
            ["http_port"] = httpPort,
            ["ca_bundle_path"] = Pebble.TlsRootPath,
        };
        foreach (var (key, value) in extra ?? [])
        {
            configuration[key] = value;
        }

        return Issuers.InsertIssuerAsync("ACME", configuration);
    }

    /// <summary>A Running issuance job on <paramref name="issuer"/> for a new certificate (CN and an <c>alt-</c> SAN) under <paramref name="domain"/>.</summary>
    public async Task<OrderJob> NewJobAsync(string issuer, KeygenMode mode = KeygenMode.Server, string domain = "example.com")
    {
        var (certificateId, jobId) = await Rows.InsertRunningJobAsync(mode == KeygenMode.Server ? "server" : "agent", issuerId: issuer);
        var commonName = $"{certificateId[^10..]}.{domain}";
        await Rows.ExecuteAsync("UPDATE managed_certificates SET common_name = @cn, sans = ARRAY[@cn, 'alt-' || @cn] WHERE id = @id", ("cn", commonName), ("id", certificateId));
        return new OrderJob(certificateId, jobId, commonName, issuer, mode);
    }

    /// <summary>An agent's CSR for the job's names (pebble wants the CSR's names to be the order's), stored on the job.</summary>
    public async Task<ECDsa> AgentCsrAsync(OrderJob job)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={job.CommonName}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(job.CommonName);
        names.AddDnsName($"alt-{job.CommonName}");
        request.CertificateExtensions.Add(names.Build());
        await Rows.ExecuteAsync("UPDATE jobs SET csr_pem = @csr WHERE id = @id", ("csr", request.CreateSigningRequestPem()), ("id", job.JobId));
        return key;
    }

    /// <summary>What the dispatcher sends for the job's first attempt.</summary>
    public Task PublishAsync(OrderJob job) =>
        Host.Services.GetRequiredService<IBus>().Publish(new IssueCertificate(job.JobId, job.CertificateId, job.IssuerId, job.Mode, null, 1, DateTimeOffset.UtcNow));

    public async Task<CertificateIssued> IssuedAsync(OrderJob job) =>
        Assert.Single(await Host.Events.WaitForAsync<CertificateIssued>(e => e.JobId == job.JobId, timeoutSeconds: 120));

    public async Task<IssuanceFailed> FailedAsync(OrderJob job) =>
        Assert.Single(await Host.Events.WaitForAsync<IssuanceFailed>(e => e.JobId == job.JobId, timeoutSeconds: 120));

    /// <summary>The stored chain of a version, leaf first.</summary>
    public async Task<X509Certificate2Collection> ChainAsync(string versionId)
    {
        var chain = new X509Certificate2Collection();
        chain.ImportFromPem(await Rows.ScalarAsync<string>("SELECT pem_chain FROM certificate_versions WHERE id = @id", ("id", versionId)));
        return chain;
    }

    /// <summary>Asserts the leaf chains through the stored intermediates to pebble's root (management <c>/roots/0</c>).</summary>
    public async Task AssertChainsToPebbleRootAsync(X509Certificate2Collection chain)
    {
        using var root = await Pebble.RootAsync();
        using var builder = new X509Chain();
        builder.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        builder.ChainPolicy.CustomTrustStore.Add(root);
        builder.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        builder.ChainPolicy.ExtraStore.AddRange(chain.Skip(1).ToArray());
        Assert.True(builder.Build(chain[0]), string.Join("; ", builder.ChainStatus.Select(s => s.StatusInformation)));
        Assert.Equal(root.Thumbprint, builder.ChainElements[^1].Certificate.Thumbprint);
    }

    public async Task<long> VersionCountAsync(OrderJob job) =>
        await Rows.ScalarAsync<long>("SELECT count(*) FROM certificate_versions WHERE certificate_id = @id", ("id", job.CertificateId));

    public async Task<string> JobStatusAsync(OrderJob job) =>
        await Rows.ScalarAsync<string>("SELECT status FROM jobs WHERE id = @id", ("id", job.JobId));

    /// <summary>The issuer's stored account: its sealed key and account URL.</summary>
    public async Task<(byte[] Key, string? AccountUrl)> AccountAsync(string issuer)
    {
        var rows = await Sql.RowsAsync(connectionString, "SELECT encrypted_account_key, account_url FROM acme_issuer_accounts WHERE issuer_id = $1", issuer);
        var row = Assert.Single(rows);
        return ((byte[])row["encrypted_account_key"]!, (string?)row["account_url"]);
    }

    public async ValueTask DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }
    }
}
