using System.Net;
using System.Net.Http.Json;

namespace Certctl.AgentIngest.Tests;

/// <summary>Job status reports (legal transitions only), verification results (saved), and certificate pickup (the agent's own only).</summary>
public sealed class JobReportTests(MigratedDatabaseFixture<JobReportTests> database, ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<JobReportTests>>
{
    [Fact]
    public async Task A_claimed_deployment_can_be_completed_once_and_stamps_the_certificate()
    {
        await using var host = await IngestHost.StartAsync(database.ConnectionString, output);
        var agent = await ArrangeAsync(host, "rep-complete");
        using var client = host.Client(agent.Token);
        using (var response = await client.PostAsJsonAsync($"/api/v1/agents/{agent.Id}/jobs/job-rep-complete/status", new { status = "Running" }))
        {
            Assert.Equal("unchanged", (await Problem.JsonAsync(response, HttpStatusCode.OK)).GetProperty("status").GetString());
        }

        using (var response = await client.PostAsJsonAsync($"/api/v1/agents/{agent.Id}/jobs/job-rep-complete/status", new { status = "Completed" }))
        {
            var body = await Problem.JsonAsync(response, HttpStatusCode.OK);
            Assert.Equal("Completed", body.GetProperty("job_status").GetString());
        }

        var job = (await Sql.RowsAsync(database.ConnectionString, "SELECT status, completed_at FROM jobs WHERE id = 'job-rep-complete'")).Single();
        Assert.Equal("Completed", job["status"]);
        Assert.NotNull(job["completed_at"]);
        Assert.NotNull(await Sql.ScalarAsync<DateTime?>(database.ConnectionString, "SELECT last_deployment_at FROM managed_certificates WHERE id = 'mc-rep-complete'"));
        Assert.Equal(1L, await Sql.ScalarAsync<long>(database.ConnectionString,
            "SELECT count(*) FROM audit_events WHERE action = 'job_status_reported' AND resource_id = 'job-rep-complete' AND actor = $1 AND actor_type = 'Agent'", agent.Id));

        using (var response = await client.PostAsJsonAsync($"/api/v1/agents/{agent.Id}/jobs/job-rep-complete/status", new { status = "Failed", error = "late" }))
        {
            var problem = await Problem.ReadAsync(response, HttpStatusCode.Conflict);
            Assert.Equal("Completed", problem.GetProperty("job_status").GetString());
        }
    }

    [Fact]
    public async Task Illegal_or_unknown_statuses_are_refused_without_a_write()
    {
        await using var host = await IngestHost.StartAsync(database.ConnectionString, output);
        var agent = await ArrangeAsync(host, "rep-illegal", status: "Pending");
        using var client = host.Client(agent.Token);
        using (var response = await client.PostAsJsonAsync($"/api/v1/agents/{agent.Id}/jobs/job-rep-illegal/status", new { status = "Completed" }))
        {
            await Problem.ReadAsync(response, HttpStatusCode.Conflict); // not claimed: Pending -> Completed is not legal
        }

        foreach (var status in new[] { "Cancelled", "Pending", "Done", "" })
        {
            using var response = await client.PostAsJsonAsync($"/api/v1/agents/{agent.Id}/jobs/job-rep-illegal/status", new { status });
            await Problem.ReadAsync(response, HttpStatusCode.BadRequest);
        }

        Assert.Equal("Pending", await Fleet.JobStatusAsync(database.ConnectionString, "job-rep-illegal"));
    }

    [Fact]
    public async Task A_failed_csr_request_spends_an_attempt()
    {
        await using var host = await IngestHost.StartAsync(database.ConnectionString, output);
        var agent = await ArrangeAsync(host, "rep-csr-failed");
        await Fleet.InsertJobAsync(database.ConnectionString, "job-rep-csr-failed-renewal", "Renewal", "mc-rep-csr-failed", "AwaitingCSR");
        using var client = host.Client(agent.Token);
        using var response = await client.PostAsJsonAsync($"/api/v1/agents/{agent.Id}/jobs/job-rep-csr-failed-renewal/status",
            new { status = "Failed", error = "key directory is not private" });
        await Problem.JsonAsync(response, HttpStatusCode.OK);
        var job = (await Sql.RowsAsync(database.ConnectionString, "SELECT status, attempts, last_error FROM jobs WHERE id = 'job-rep-csr-failed-renewal'")).Single();
        Assert.Equal("Failed", job["status"]);
        Assert.Equal(1, job["attempts"]);
        Assert.Equal("key directory is not private", job["last_error"]);
    }

    [Fact]
    public async Task A_verification_result_is_saved_on_the_job()
    {
        await using var host = await IngestHost.StartAsync(database.ConnectionString, output);
        var agent = await ArrangeAsync(host, "rep-verify");
        using var client = host.Client(agent.Token);
        using (var response = await client.PostAsJsonAsync($"/api/v1/agents/{agent.Id}/jobs/job-rep-verify/verification",
                   new { target_id = "tgt-rep-verify", expected_fingerprint = "AB:CD", actual_fingerprint = "abcd", verified = true }))
        {
            var body = await Problem.JsonAsync(response, HttpStatusCode.OK);
            Assert.True(body.GetProperty("verified").GetBoolean());
        }

        var row = (await Sql.RowsAsync(database.ConnectionString,
            "SELECT verification_status, verified_at, verification_fingerprint, verification_error FROM jobs WHERE id = 'job-rep-verify'")).Single();
        Assert.Equal("success", row["verification_status"]);
        Assert.NotNull(row["verified_at"]);
        Assert.Equal("abcd", row["verification_fingerprint"]);
        Assert.Null(row["verification_error"]);

        // A probe that could not connect is a failed verification with its reason, not a 400.
        using (var response = await client.PostAsJsonAsync($"/api/v1/agents/{agent.Id}/jobs/job-rep-verify/verification",
                   new { target_id = "tgt-rep-verify", expected_fingerprint = "abcd", actual_fingerprint = "", verified = false, error = "connection refused" }))
        {
            Assert.False((await Problem.JsonAsync(response, HttpStatusCode.OK)).GetProperty("verified").GetBoolean());
        }

        row = (await Sql.RowsAsync(database.ConnectionString,
            "SELECT verification_status, verification_fingerprint, verification_error FROM jobs WHERE id = 'job-rep-verify'")).Single();
        Assert.Equal("failed", row["verification_status"]);
        Assert.Null(row["verification_fingerprint"]);
        Assert.Equal("connection refused", row["verification_error"]);
        Assert.Equal(1L, await Sql.ScalarAsync<long>(database.ConnectionString,
            "SELECT count(*) FROM audit_events WHERE action = 'job_verification_failed' AND resource_id = 'job-rep-verify'"));

        using (var response = await client.PostAsJsonAsync($"/api/v1/agents/{agent.Id}/jobs/job-rep-verify/verification",
                   new { actual_fingerprint = "abcd", verified = true }))
        {
            await Problem.ReadAsync(response, HttpStatusCode.BadRequest);
        }

        using (var response = await client.PostAsJsonAsync($"/api/v1/agents/{agent.Id}/jobs/job-rep-verify/verification",
                   new { expected_fingerprint = "abcd", actual_fingerprint = "ffff", verified = true }))
        {
            await Problem.ReadAsync(response, HttpStatusCode.BadRequest);
        }
    }

    [Fact]
    public async Task Certificate_pickup_serves_the_newest_version_to_the_agent_of_its_target_only()
    {
        await using var host = await IngestHost.StartAsync(database.ConnectionString, output);
        var agent = await ArrangeAsync(host, "rep-pickup");
        var stranger = await Fleet.RegisterAsync(host, "rep-pickup-stranger");
        using var client = host.Client(agent.Token);
        using (var none = await client.GetAsync($"/api/v1/agents/{agent.Id}/certificates/mc-rep-pickup"))
        {
            await Problem.ReadAsync(none, HttpStatusCode.NotFound); // no version yet
        }

        await Sql.ExecuteAsync(database.ConnectionString,
            """
            INSERT INTO certificate_versions (id, certificate_id, issuer_id, serial_number, not_before, not_after, fingerprint_sha256, pem_chain, created_at)
            VALUES ('cv-old', 'mc-rep-pickup', 'iss-local', '1', now() - interval '60 days', now() - interval '1 day', 'f1', 'OLD PEM', now() - interval '60 days'),
                   ('cv-new', 'mc-rep-pickup', 'iss-local', '2', now(), now() + interval '90 days', 'f2', 'NEW PEM', now())
            """);
        using (var response = await client.GetAsync($"/api/v1/agents/{agent.Id}/certificates/mc-rep-pickup"))
        {
            var body = await Problem.JsonAsync(response, HttpStatusCode.OK);
            Assert.Equal("NEW PEM", body.GetProperty("certificate_pem").GetString());
            Assert.Equal("cv-new", body.GetProperty("version_id").GetString());
        }

        using var strangerClient = host.Client(stranger.Token);
        using (var response = await strangerClient.GetAsync($"/api/v1/agents/{stranger.Id}/certificates/mc-rep-pickup"))
        {
            await Problem.ReadAsync(response, HttpStatusCode.NotFound);
        }
    }

    // An agent with a target, a certificate mapped to it and a deployment job of that agent (Running: already claimed).
    private async Task<Fleet.Agent> ArrangeAsync(IngestHost host, string name, string status = "Running")
    {
        var agent = await Fleet.RegisterAsync(host, name);
        await Fleet.CreateTargetAsync(database.ConnectionString, $"tgt-{name}", agent.Id, new() { ["cert_path"] = "/c.pem" });
        await Fleet.CreateCertificateAsync(database.ConnectionString, $"mc-{name}", $"tgt-{name}");
        await Fleet.InsertJobAsync(database.ConnectionString, $"job-{name}", "Deployment", $"mc-{name}", status, $"tgt-{name}", agent.Id);
        return agent;
    }
}
