using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Certctl.AgentIngest.Tests;

/// <summary>
/// The agent key flow end to end over RabbitMQ with the real CA connector: CSR request on the work poll, CSR checked and sent,
/// certificate issued, deployment job on the next poll, certificate picked up, deployment reported.
/// </summary>
public sealed class CsrRoundTripTests(
    MigratedDatabaseFixture<CsrRoundTripTests> database, RabbitMqVirtualHostFixture<CsrRoundTripTests> broker, ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<CsrRoundTripTests>>, IClassFixture<RabbitMqVirtualHostFixture<CsrRoundTripTests>>
{
    [Fact]
    public async Task An_agent_csr_becomes_a_certificate_it_deploys()
    {
        await using var connector = await CaConnectorHost.StartAsync(database.ConnectionString, broker.AmqpUri, output);
        await using var host = await IngestHost.StartAsync(database.ConnectionString, output, amqp: broker.AmqpUri);
        await CaConnectorHost.WaitForBusAsync(host.Services.GetRequiredService<IBusControl>());
        var agent = await Fleet.RegisterAsync(host, "csr-flow");
        await Fleet.CreateTargetAsync(database.ConnectionString, "tgt-csr-flow", agent.Id, new() { ["cert_path"] = "/etc/tls/flow.pem" });
        await Fleet.CreateCertificateAsync(database.ConnectionString, "mc-csr-flow", "tgt-csr-flow");
        await Fleet.InsertJobAsync(database.ConnectionString, "job-csr-flow", "Renewal", "mc-csr-flow", "AwaitingCSR");
        using var client = host.Client(agent.Token);

        var request = Assert.Single((await PollAsync(client, agent.Id)).GetProperty("jobs").EnumerateArray());
        Assert.Equal("AwaitingCSR", request.GetProperty("status").GetString());
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = Csr(request.GetProperty("common_name").GetString()!, key);
        using (var submitted = await client.PostAsJsonAsync($"/api/v1/agents/{agent.Id}/csr", new { certificate_id = "mc-csr-flow", csr_pem = csr }))
        {
            var body = await Problem.JsonAsync(submitted, HttpStatusCode.Accepted);
            Assert.Equal("csr_accepted", body.GetProperty("status").GetString());
            Assert.Equal("job-csr-flow", body.GetProperty("job_id").GetString());
        }

        Assert.Equal(1L, await Sql.ScalarAsync<long>(database.ConnectionString,
            "SELECT count(*) FROM audit_events WHERE action = 'csr_submitted' AND resource_id = 'job-csr-flow' AND actor = $1", agent.Id));
        await WaitForAsync("SELECT status = 'Completed' FROM jobs WHERE id = 'job-csr-flow'");
        Assert.Equal(1, await Sql.ScalarAsync<int>(database.ConnectionString, "SELECT attempts FROM jobs WHERE id = 'job-csr-flow'"));

        var deployment = Assert.Single((await PollAsync(client, agent.Id)).GetProperty("jobs").EnumerateArray());
        Assert.Equal("Deployment", deployment.GetProperty("type").GetString());
        Assert.Equal("/etc/tls/flow.pem", deployment.GetProperty("target_config").GetProperty("cert_path").GetString());

        using (var pickup = await client.GetAsync($"/api/v1/agents/{agent.Id}/certificates/mc-csr-flow"))
        {
            var body = await Problem.JsonAsync(pickup, HttpStatusCode.OK);
            using var leaf = X509Certificate2.CreateFromPem(body.GetProperty("certificate_pem").GetString());
            Assert.Equal(key.ExportSubjectPublicKeyInfo(), leaf.PublicKey.ExportSubjectPublicKeyInfo());
        }

        using (var done = await client.PostAsJsonAsync($"/api/v1/agents/{agent.Id}/jobs/{deployment.GetProperty("id").GetString()}/status", new { status = "Completed" }))
        {
            await Problem.JsonAsync(done, HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task A_csr_the_profile_does_not_allow_is_refused_and_the_job_keeps_waiting()
    {
        await using var host = await IngestHost.StartAsync(database.ConnectionString, output, amqp: broker.AmqpUri);
        var agent = await Fleet.RegisterAsync(host, "csr-refused");
        await Fleet.CreateTargetAsync(database.ConnectionString, "tgt-csr-refused", agent.Id, new() { ["cert_path"] = "/c.pem" });
        // Internal mTLS allows ECDSA only.
        await Fleet.CreateCertificateAsync(database.ConnectionString, "mc-csr-refused", "tgt-csr-refused", profile: "prof-internal-mtls");
        await Fleet.InsertJobAsync(database.ConnectionString, "job-csr-refused", "Issuance", "mc-csr-refused", "AwaitingCSR");
        using var client = host.Client(agent.Token);

        using var rsa = RSA.Create(2048);
        var rsaCsr = new CertificateRequest("CN=mc-csr-refused.example.test", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequestPem();
        const string garbage = "-----BEGIN CERTIFICATE REQUEST-----\nbm90IGEgQ1NS\n-----END CERTIFICATE REQUEST-----\n";
        foreach (var pem in new[] { rsaCsr, garbage, "not pem at all" })
        {
            using var response = await client.PostAsJsonAsync($"/api/v1/agents/{agent.Id}/csr", new { certificate_id = "mc-csr-refused", csr_pem = pem });
            var problem = await Problem.ReadAsync(response, HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty("csr_pem", out _));
        }

        var job = (await Sql.RowsAsync(database.ConnectionString, "SELECT status, csr_pem, attempts FROM jobs WHERE id = 'job-csr-refused'")).Single();
        Assert.Equal("AwaitingCSR", job["status"]);
        Assert.Null(job["csr_pem"]);
        Assert.Equal(0, job["attempts"]);
    }

    [Fact]
    public async Task A_csr_for_a_certificate_not_on_the_agent_or_without_a_waiting_job_is_refused()
    {
        await using var host = await IngestHost.StartAsync(database.ConnectionString, output, amqp: broker.AmqpUri);
        var agent = await Fleet.RegisterAsync(host, "csr-stray");
        await Fleet.CreateTargetAsync(database.ConnectionString, "tgt-csr-stray", agent.Id, new() { ["cert_path"] = "/c.pem" });
        await Fleet.CreateCertificateAsync(database.ConnectionString, "mc-csr-stray-mapped", "tgt-csr-stray");
        await Fleet.CreateCertificateAsync(database.ConnectionString, "mc-csr-stray-elsewhere", null);
        await Fleet.InsertJobAsync(database.ConnectionString, "job-csr-stray-elsewhere", "Renewal", "mc-csr-stray-elsewhere", "AwaitingCSR");
        using var client = host.Client(agent.Token);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        using (var response = await client.PostAsJsonAsync($"/api/v1/agents/{agent.Id}/csr",
                   new { certificate_id = "mc-csr-stray-elsewhere", csr_pem = Csr("mc-csr-stray-elsewhere.example.test", key) }))
        {
            await Problem.ReadAsync(response, HttpStatusCode.NotFound);
        }

        using (var response = await client.PostAsJsonAsync($"/api/v1/agents/{agent.Id}/csr",
                   new { certificate_id = "mc-csr-stray-mapped", csr_pem = Csr("mc-csr-stray-mapped.example.test", key) }))
        {
            await Problem.ReadAsync(response, HttpStatusCode.Conflict);
        }

        Assert.Equal("AwaitingCSR", await Fleet.JobStatusAsync(database.ConnectionString, "job-csr-stray-elsewhere"));
    }

    private static string Csr(string commonName, ECDsa key)
    {
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        var sans = new SubjectAlternativeNameBuilder();
        sans.AddDnsName(commonName);
        request.CertificateExtensions.Add(sans.Build());
        return request.CreateSigningRequestPem();
    }

    private static async Task<JsonElement> PollAsync(HttpClient client, string agentId)
    {
        using var response = await client.GetAsync($"/api/v1/agents/{agentId}/work");
        return await Problem.JsonAsync(response, HttpStatusCode.OK);
    }

    private async Task WaitForAsync(string condition)
    {
        var deadline = Stopwatch.StartNew();
        while (await Sql.ScalarAsync<bool>(database.ConnectionString, condition) != true)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), $"never true: {condition}");
            await Task.Delay(100);
        }
    }
}
