using System.Security.Cryptography;
using Certctl.CaConnector.Issuers.Acme;
using Certctl.Domain;
using Certctl.Secrets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Certctl.CaConnector.Tests.Acme;

/// <summary>
/// The ACME connector end to end against the real pebble: IssueCertificate on a real RabbitMQ, the job and version in a
/// real Postgres, challenges validated by pebble over the network (http-01 on the connector's responder, dns-01 through
/// hook scripts that feed pebble-challtestsrv). Pebble refuses one good nonce in ten, so every test also exercises badNonce retries.
/// </summary>
public sealed class AcmeIssuerTests(
    MigratedDatabaseFixture<AcmeIssuerTests> database,
    RabbitMqVirtualHostFixture<AcmeIssuerTests> broker,
    PebbleFixture pebble,
    ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<AcmeIssuerTests>>, IClassFixture<RabbitMqVirtualHostFixture<AcmeIssuerTests>>, IClassFixture<PebbleFixture>,
      IAsyncLifetime
{
    private readonly AcmeHarness _h = new(pebble.Pebble, pebble.HttpPort, database.ConnectionString, broker.AmqpUri, output);

    public Task InitializeAsync() => _h.StartHostAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task An_http01_order_is_issued_by_pebble_and_completes_the_job_with_one_version_chaining_to_its_root()
    {
        var job = await _h.NewJobAsync(await _h.IssuerAsync());

        await _h.PublishAsync(job);

        var issued = await _h.IssuedAsync(job);
        var chain = await _h.ChainAsync(issued.VersionId);
        await _h.AssertChainsToPebbleRootAsync(chain);
        var names = chain[0].Extensions.OfType<System.Security.Cryptography.X509Certificates.X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames();
        Assert.Equal(new[] { job.CommonName, $"alt-{job.CommonName}" }.Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
        Assert.Equal(1, await _h.VersionCountAsync(job));
        Assert.Equal("Completed", await _h.JobStatusAsync(job));

        // Server key mode: the key the connector made is stored bound to the version and is the certificate's.
        var sealedKey = await _h.Rows.ScalarAsync<byte[]>("SELECT encrypted_private_key FROM certificate_versions WHERE id = @id", ("id", issued.VersionId));
        using var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(_h.Host.Services.GetRequiredService<ConfigurationCipher>().Decrypt(sealedKey, issued.VersionId), out _);
        Assert.Equal(chain[0].PublicKey.ExportSubjectPublicKeyInfo(), key.ExportSubjectPublicKeyInfo());
        // The answers were removed once their authorizations settled.
        Assert.Equal(0L, await _h.Rows.ScalarAsync<long>("SELECT count(*) FROM acme_http01_challenges"));
    }

    [Fact]
    public async Task An_order_still_processing_after_finalize_is_parked_with_its_URL_and_finished_by_the_poller()
    {
        // Pebble answers finalize with "processing" and issues in the background: without a wait the job is parked.
        await _h.StartHostAsync(services => services.Configure<AcmeOptions>(options => options.FinalizeWaitSeconds = 0));
        var job = await _h.NewJobAsync(await _h.IssuerAsync());

        await _h.PublishAsync(job);

        var issued = await _h.IssuedAsync(job);
        var row = await _h.Issuers.JobAsync(job.JobId);
        Assert.Equal(("Completed", 1), (row.Status, row.Attempts));
        Assert.StartsWith(_h.Pebble.DirectoryUrl.Replace("/dir", "/my-order/", StringComparison.Ordinal), row.OrderId);
        await _h.AssertChainsToPebbleRootAsync(await _h.ChainAsync(issued.VersionId));
        Assert.Equal(1, await _h.VersionCountAsync(job));
    }

    [Fact]
    public async Task An_agent_key_job_is_finalized_with_the_agents_CSR()
    {
        // insecure instead of ca_bundle_path: the test CA's TLS is not verified at all.
        var job = await _h.NewJobAsync(await _h.IssuerAsync(new() { ["ca_bundle_path"] = null, ["insecure"] = true }), KeygenMode.Agent);
        using var agentKey = await _h.AgentCsrAsync(job);

        await _h.PublishAsync(job);

        var issued = await _h.IssuedAsync(job);
        var chain = await _h.ChainAsync(issued.VersionId);
        await _h.AssertChainsToPebbleRootAsync(chain);
        Assert.Equal(agentKey.ExportSubjectPublicKeyInfo(), chain[0].PublicKey.ExportSubjectPublicKeyInfo());
        Assert.Equal(1, await _h.VersionCountAsync(job));
    }

    [Fact]
    public async Task A_restarted_connector_reuses_the_stored_account_key_and_pebble_answers_with_the_same_account()
    {
        var issuer = await _h.IssuerAsync();
        var first = await _h.NewJobAsync(issuer);
        await _h.PublishAsync(first);
        await _h.IssuedAsync(first);
        var (keyBefore, accountBefore) = await _h.AccountAsync(issuer);
        Assert.StartsWith("https://localhost:", accountBefore);

        await _h.StartHostAsync();
        var second = await _h.NewJobAsync(issuer);
        await _h.PublishAsync(second);
        await _h.IssuedAsync(second);

        // The new process looked its key up at pebble (onlyReturnExisting) and got the same account back.
        var (keyAfter, accountAfter) = await _h.AccountAsync(issuer);
        Assert.Equal(keyBefore, keyAfter);
        Assert.Equal(accountBefore, accountAfter);
    }

    [Fact]
    public async Task An_ACME_server_whose_TLS_is_not_trusted_is_a_transient_failure()
    {
        var job = await _h.NewJobAsync(await _h.IssuerAsync(new() { ["ca_bundle_path"] = null }));

        await _h.PublishAsync(job);

        var failed = await _h.FailedAsync(job);
        Assert.True(failed.Retryable);
        Assert.Contains("ACME directory", failed.Reason);
        Assert.Equal(0, await _h.VersionCountAsync(job));
    }

    [Fact]
    public async Task A_rejected_identifier_fails_the_job_for_good_with_pebbles_problem()
    {
        var job = await _h.NewJobAsync(await _h.IssuerAsync(), domain: PebbleFixture.BlockedDomain);

        await _h.PublishAsync(job);

        var failed = await _h.FailedAsync(job);
        Assert.False(failed.Retryable);
        Assert.Contains("rejectedIdentifier", failed.Reason);
        Assert.Equal("Failed", await _h.JobStatusAsync(job));
        Assert.Equal(0, await _h.VersionCountAsync(job));
    }

    [Fact]
    public async Task A_dns01_order_publishes_and_cleans_up_TXT_records_through_the_hook_scripts()
    {
        using var hooks = new DnsHookScripts(_h.Pebble.ChallengeServerUrl);
        var job = await _h.NewJobAsync(await _h.IssuerAsync(hooks.Configuration()));

        await _h.PublishAsync(job);

        var issued = await _h.IssuedAsync(job);
        await _h.AssertChainsToPebbleRootAsync(await _h.ChainAsync(issued.VersionId));
        var calls = hooks.Calls();
        foreach (var domain in new[] { job.CommonName, $"alt-{job.CommonName}" })
        {
            Assert.Single(calls, call => call.StartsWith($"present {domain} _acme-challenge.{domain} ", StringComparison.Ordinal));
            Assert.Single(calls, call => call.StartsWith($"cleanup {domain} _acme-challenge.{domain} ", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_failed_dns01_challenge_fails_the_job_and_still_runs_the_cleanup_script()
    {
        using var hooks = new DnsHookScripts(_h.Pebble.ChallengeServerUrl);
        // The present script succeeds but publishes nothing: pebble finds no TXT record.
        var job = await _h.NewJobAsync(await _h.IssuerAsync(hooks.Configuration(publish: false)));

        await _h.PublishAsync(job);

        var failed = await _h.FailedAsync(job);
        Assert.False(failed.Retryable);
        Assert.Contains("dns-01 challenge", failed.Reason);
        Assert.Equal(0, await _h.VersionCountAsync(job));
        var calls = hooks.Calls();
        Assert.Equal(calls.Count(call => call.StartsWith("present ", StringComparison.Ordinal)), calls.Count(call => call.StartsWith("cleanup ", StringComparison.Ordinal)));
        Assert.Contains(calls, call => call.StartsWith("cleanup ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Replicas_racing_on_first_use_store_one_account_key()
    {
        var issuer = await _h.IssuerAsync();
        var cipher = _h.Host.Services.GetRequiredService<ConfigurationCipher>();
        // Separate data sources stand in for separate replicas.
        var replicas = Enumerable.Range(0, 6).Select(_ => NpgsqlDataSource.Create(database.ConnectionString)).ToList();
        try
        {
            var loaded = await Task.WhenAll(replicas.Select(db => new AcmeAccountStore(db, cipher, new FakeTimeProvider()).LoadOrCreateAsync(issuer, CancellationToken.None)));
            Assert.Single(loaded.Select(account => account.Key.Thumbprint).Distinct());
            Assert.Equal(1L, await _h.Rows.ScalarAsync<long>("SELECT count(*) FROM acme_issuer_accounts WHERE issuer_id = @id", ("id", issuer)));
        }
        finally
        {
            foreach (var replica in replicas)
            {
                await replica.DisposeAsync();
            }
        }
    }
}
