using System.Diagnostics;
using Xunit.Abstractions;
using System.Text.Json.Nodes;
using Aspire.Hosting.ApplicationModel;
using Certctl.Client;
using Certctl.Client.Models;

namespace Certctl.EndToEnd.Tests;

/// <summary>
/// The pipeline survives what production does to it: the CA connector killed in the middle of a batch, RabbitMQ away for
/// 30 s, an issuer that always fails. Every job ends where it should and no job ever makes two versions.
/// </summary>
[Collection(SuiteCollection.Name)]
public sealed class PipelineReliabilityTests(SuiteFixture suite, ITestOutputHelper output)
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromMinutes(5);

    private ICertctlApi Client => CertctlClient.Create(new Uri($"http://localhost:{suite.GatewayPort}"), suite.ApiKey);

    [Fact]
    public async Task Killing_the_ca_connector_mid_batch_of_1000_loses_no_job_and_duplicates_no_version()
    {
        await WaitHealthyAsync("gateway", "scheduler", "ca-connector");
        var batch = new RenewalBatch(suite.DatabaseConnectionString, $"rk{Guid.NewGuid():N}"[..12]);
        await batch.CreateDueAsync(1000);
        var renew = await Client.BulkRenewCertificatesAsync(new BulkRenewRequest(Filter: new BulkCertificateFilter(NamePrefix: batch.Prefix + "-")));
        Assert.Equal(1000, renew.Created);

        var before = await batch.WaitAsync(counts => counts.Completed >= 50, TimeSpan.FromMinutes(2), "50 completions");
        // The service and, when DCP starts it through `dotnet run`, its launcher.
        Assert.InRange(SuiteProcesses.Kill(suite, "Certctl.CaConnector"), 1, 2);
        output.WriteLine($"killed the CA connector with {before.Completed} of 1000 jobs completed");
        Assert.True(before.Completed < 1000, "the batch finished before the kill; nothing was tested");

        await Task.Delay(TimeSpan.FromSeconds(2));
        using var restart = new CancellationTokenSource(SuiteFixture.StartupTimeout);
        await SuiteProcesses.CommandAsync(suite, "ca-connector", KnownResourceCommands.StartCommand, restart.Token);
        var clock = Stopwatch.StartNew();
        var after = await batch.WaitAsync(counts => counts.Completed == 1000, DrainTimeout, "all 1000 completions after the restart");
        output.WriteLine($"all {after.Completed} completed {clock.Elapsed.TotalSeconds:F1} s after the restart");

        var versions = await batch.VersionCountsAsync();
        Assert.Equal((1000L, 0L, 0L), versions);
    }

    [Fact]
    public async Task RabbitMQ_away_for_30_seconds_during_a_batch_every_job_completes_after_it_returns()
    {
        await WaitHealthyAsync("gateway", "scheduler", "ca-connector", "rabbitmq");
        var batch = new RenewalBatch(suite.DatabaseConnectionString, $"rq{Guid.NewGuid():N}"[..12]);
        await batch.CreateDueAsync(500);
        var renew = await Client.BulkRenewCertificatesAsync(new BulkRenewRequest(Filter: new BulkCertificateFilter(NamePrefix: batch.Prefix + "-")));
        Assert.Equal(500, renew.Created);

        var before = await batch.WaitAsync(counts => counts.Completed >= 25, TimeSpan.FromMinutes(2), "25 completions");
        using var outage = new CancellationTokenSource(SuiteFixture.StartupTimeout);
        await SuiteProcesses.StopRabbitMqAsync(suite, outage.Token);
        output.WriteLine($"stopped RabbitMQ with {before.Completed} of 500 jobs completed");
        await Task.Delay(TimeSpan.FromSeconds(30));
        var during = await batch.JobCountsAsync();
        output.WriteLine($"after 30 s without RabbitMQ: {during.Completed} completed");
        Assert.True(during.Completed < 500, "the batch finished before the outage; nothing was tested");

        await SuiteProcesses.CommandAsync(suite, "rabbitmq", KnownResourceCommands.StartCommand, outage.Token);
        await suite.App.ResourceNotifications.WaitForResourceHealthyAsync("rabbitmq", outage.Token);
        var clock = Stopwatch.StartNew();
        var after = await batch.WaitAsync(counts => counts.Completed == 500, DrainTimeout, "all 500 completions after RabbitMQ returned");
        output.WriteLine($"all {after.Completed} completed {clock.Elapsed.TotalSeconds:F1} s after RabbitMQ returned");

        Assert.Equal((500L, 0L, 0L), await batch.VersionCountsAsync());
    }

    [Fact]
    public async Task An_issuer_that_always_fails_spends_every_attempt_with_growing_backoff_then_the_job_and_certificate_show_failed()
    {
        await WaitHealthyAsync("gateway", "scheduler", "ca-connector");
        var issuerId = $"iss-broken-{Guid.NewGuid():N}"[..24];
        // A sub-CA whose files do not exist: loading it fails on every attempt, as an unreachable CA would.
        await Client.CreateIssuerAsync(new IssuerRequest(issuerId, "local", new JsonObject
        {
            ["ca_cert_path"] = "/nonexistent/certctl-e2e/ca.pem",
            ["ca_key_path"] = "/nonexistent/certctl-e2e/ca.key",
        }, Enabled: true, Id: issuerId));
        var batch = new RenewalBatch(suite.DatabaseConnectionString, $"rf{Guid.NewGuid():N}"[..12]);
        await batch.CreateDueAsync(1, issuerId);
        var certificateId = batch.Prefix + "-00001";
        var renewal = await Client.RenewCertificateAsync(certificateId);

        // Follow the job: each failed attempt is seen with its time, until it gives up.
        var failures = new List<(int Attempts, DateTimeOffset At)>();
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromMinutes(3);
        Job job;
        do
        {
            job = await Client.GetJobAsync(renewal.JobId);
            if (job.Status == "Failed" && (failures.Count == 0 || failures[^1].Attempts != job.Attempts))
            {
                failures.Add((job.Attempts, DateTimeOffset.UtcNow));
                output.WriteLine($"attempt {job.Attempts} of {job.MaxAttempts} failed at {DateTimeOffset.UtcNow:HH:mm:ss.fff}: {job.LastError}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
        while (!(job.Status == "Failed" && job.Attempts >= job.MaxAttempts) && DateTimeOffset.UtcNow < deadline);

        Assert.Equal("Failed", job.Status);
        Assert.Equal(job.MaxAttempts, job.Attempts);
        Assert.Equal(Enumerable.Range(1, job.MaxAttempts), failures.Select(failure => failure.Attempts));
        Assert.Contains("ca.pem", job.LastError, StringComparison.Ordinal);

        // Backoff base 2 s in this suite: the n-th retry waits at least 2 s × 2^(n−1) after the n-th failure.
        for (var n = 1; n < failures.Count; n++)
        {
            var gap = failures[n].At - failures[n - 1].At;
            Assert.True(gap >= TimeSpan.FromSeconds(2 * Math.Pow(2, n - 1)) - TimeSpan.FromMilliseconds(500),
                $"attempt {n + 1} came {gap.TotalSeconds:F1} s after attempt {n}; the backoff was not honoured");
        }

        var certificate = await WaitForCertificateStatusAsync(certificateId, "Failed");
        Assert.Equal("Failed", certificate.Status);
        Assert.Equal((0L, 0L, 1L), await batch.VersionCountsAsync()); // no version at all
    }

    private async Task<Certificate> WaitForCertificateStatusAsync(string id, string status)
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var certificate = await Client.GetCertificateAsync(id);
            if (certificate.Status == status || DateTimeOffset.UtcNow > deadline)
            {
                return certificate;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }

    private async Task WaitHealthyAsync(params string[] resources)
    {
        using var startup = new CancellationTokenSource(SuiteFixture.StartupTimeout);
        foreach (var resource in resources)
        {
            await suite.App.ResourceNotifications.WaitForResourceHealthyAsync(resource, startup.Token);
        }
    }
}
