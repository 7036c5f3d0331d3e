using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using Certctl.Acme.Finalize;
using Certctl.Contracts;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Certctl.Acme.Tests.Orders;

/// <summary>
/// Finalize waits for the certificate it starts (CERTCTL_ACME_SERVER_FINALIZE_WAIT_MS): the outcome consumer's Postgres notification
/// wakes it, so an order issued within the window is answered valid (or invalid) at once, without a poll.
/// </summary>
public sealed class FinalizeWaitTests(MigratedDatabaseFixture<FinalizeWaitTests> database, ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<FinalizeWaitTests>>
{
    // Long enough that an answer before it can only come from the notification: a window that passes answers "processing".
    private static readonly Dictionary<string, string?> LongWait = new() { ["CERTCTL_ACME_SERVER_FINALIZE_WAIT_MS"] = "20000" };

    [Fact]
    public async Task A_certificate_issued_within_the_wait_is_answered_valid_with_its_url_and_no_retry_after()
    {
        await using var host = await AcmeHost.StartAsync(database.ConnectionString, output, LongWait);
        using var client = new AcmeTestClient(host.Client(), host.Directory());
        var (key, kid, orderUrl, finalizeUrl) = await ReadyOrderAsync(client, "waited.example.com");
        using var certificateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var started = Stopwatch.StartNew();

        var finalizing = client.PostAsync(finalizeUrl, key, new { csr = FinalizeCsrTests.Csr(certificateKey, "CN=waited.example.com", []) }, kid);
        var (jobId, certificateId) = await IssuedByHand.JobOfAsync(database.ConnectionString, orderUrl[(orderUrl.LastIndexOf('/') + 1)..]);
        using var issued = IssuedByHand.Certificate(certificateKey, "waited.example.com");
        var versionId = await IssuedByHand.StoreVersionAsync(database.ConnectionString, certificateId, jobId, issued);
        await host.Services.GetRequiredService<IBus>().Publish(
            new CertificateIssued(jobId, certificateId, versionId, "1", issued.NotBefore, issued.NotAfter, DateTimeOffset.UtcNow));

        using var finalized = await finalizing;
        var body = await AcmeAssert.JsonAsync(finalized, HttpStatusCode.OK);
        Assert.Equal("valid", body.GetProperty("status").GetString());
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(15), $"answered after {started.Elapsed}, not woken by the outcome");
        Assert.False(finalized.Headers.Contains("Retry-After"));
        Assert.Equal(orderUrl, finalized.Headers.Location!.ToString());
        using var download = await client.PostAsync(body.GetProperty("certificate").GetString()!, key, null, kid);
        Assert.Equal(issued.ExportCertificatePem() + "\n", await download.Content.ReadAsStringAsync());
        Assert.Equal(0, host.Services.GetRequiredService<OrderOutcomeSignals>().Waiting);
    }

    [Fact]
    public async Task A_final_issuance_failure_within_the_wait_is_answered_invalid_with_its_reason()
    {
        await using var host = await AcmeHost.StartAsync(database.ConnectionString, output, LongWait);
        using var client = new AcmeTestClient(host.Client(), host.Directory());
        var (key, kid, orderUrl, finalizeUrl) = await ReadyOrderAsync(client, "refused.example.com");
        using var certificateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var finalizing = client.PostAsync(finalizeUrl, key, new { csr = FinalizeCsrTests.Csr(certificateKey, "CN=refused.example.com", []) }, kid);
        var (jobId, certificateId) = await IssuedByHand.JobOfAsync(database.ConnectionString, orderUrl[(orderUrl.LastIndexOf('/') + 1)..]);
        await host.Services.GetRequiredService<IBus>().Publish(
            new IssuanceFailed(jobId, certificateId, "the CA refused the names", Retryable: false, DateTimeOffset.UtcNow));

        using var finalized = await finalizing;
        var body = await AcmeAssert.JsonAsync(finalized, HttpStatusCode.OK);
        Assert.Equal("invalid", body.GetProperty("status").GetString());
        Assert.Contains("the CA refused the names", body.GetProperty("error").GetProperty("detail").GetString());
        Assert.False(finalized.Headers.Contains("Retry-After"));
    }

    [Fact]
    public async Task With_no_wait_finalize_answers_processing_at_once()
    {
        await using var host = await AcmeHost.StartAsync(database.ConnectionString, output,
            new Dictionary<string, string?> { ["CERTCTL_ACME_SERVER_FINALIZE_WAIT_MS"] = "0" });
        using var client = new AcmeTestClient(host.Client(), host.Directory());
        var (key, kid, _, finalizeUrl) = await ReadyOrderAsync(client, "nowait.example.com");
        using var certificateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        using var finalized = await client.PostAsync(finalizeUrl, key, new { csr = FinalizeCsrTests.Csr(certificateKey, "CN=nowait.example.com", []) }, kid);

        Assert.Equal("processing", (await AcmeAssert.JsonAsync(finalized, HttpStatusCode.OK)).GetProperty("status").GetString());
        Assert.Equal("1", finalized.Headers.GetValues("Retry-After").Single());
        Assert.Equal(0, host.Services.GetRequiredService<OrderOutcomeSignals>().Waiting);
    }

    private static async Task<(TestKey Key, string Kid, string OrderUrl, string FinalizeUrl)> ReadyOrderAsync(AcmeTestClient client, string name)
    {
        var key = TestKey.Create("ES256");
        var kid = await client.NewAccountAsync(key);
        using var created = await client.PostAsync(await client.Url("newOrder"), key, new { identifiers = new[] { new { type = "dns", value = name } } }, kid);
        var order = await AcmeAssert.JsonAsync(created, HttpStatusCode.Created);
        Assert.Equal("ready", order.GetProperty("status").GetString());
        return (key, kid, created.Headers.Location!.ToString(), order.GetProperty("finalize").GetString()!);
    }
}
