using System.Net;
using System.Text.Json;

namespace Certctl.AgentIngest.Tests;

/// <summary>The work poll: deployments claimed once with the full target configuration, CSR requests listed until a CSR arrives.</summary>
public sealed class WorkPollTests(MigratedDatabaseFixture<WorkPollTests> database, ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<WorkPollTests>>
{
    [Fact]
    public async Task A_deployment_is_claimed_once_with_its_decrypted_target_configuration()
    {
        await using var host = await IngestHost.StartAsync(database.ConnectionString, output);
        var agent = await Fleet.RegisterAsync(host, "work-deploy");
        await Fleet.CreateTargetAsync(database.ConnectionString, "tgt-work-deploy", agent.Id,
            new() { ["cert_path"] = "/etc/nginx/tls.pem", ["key_path"] = "/etc/nginx/tls.key", ["ssh_password"] = "s3cret" });
        await Fleet.CreateCertificateAsync(database.ConnectionString, "mc-work-deploy", "tgt-work-deploy");
        await Fleet.InsertJobAsync(database.ConnectionString, "job-work-deploy", "Deployment", "mc-work-deploy", "Pending", "tgt-work-deploy", agent.Id);

        using var client = host.Client(agent.Token);
        var work = await PollAsync(client, agent.Id);
        var item = Assert.Single(work.GetProperty("jobs").EnumerateArray());
        Assert.Equal("job-work-deploy", item.GetProperty("id").GetString());
        Assert.Equal("Deployment", item.GetProperty("type").GetString());
        Assert.Equal("Running", item.GetProperty("status").GetString());
        Assert.Equal("NGINX", item.GetProperty("target_type").GetString());
        var config = item.GetProperty("target_config");
        Assert.Equal("/etc/nginx/tls.key", config.GetProperty("key_path").GetString());
        Assert.Equal("s3cret", config.GetProperty("ssh_password").GetString());

        var row = (await Sql.RowsAsync(database.ConnectionString, "SELECT status, attempts, started_at FROM jobs WHERE id = 'job-work-deploy'")).Single();
        Assert.Equal("Running", row["status"]);
        Assert.Equal(1, row["attempts"]);
        Assert.NotNull(row["started_at"]);

        Assert.Equal(0, (await PollAsync(client, agent.Id)).GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Concurrent_polls_never_hand_out_the_same_deployment_twice()
    {
        await using var host = await IngestHost.StartAsync(database.ConnectionString, output,
            new Dictionary<string, string?> { ["CERTCTL_AGENT_WORK_LIMIT"] = "3" });
        var agent = await Fleet.RegisterAsync(host, "work-concurrent");
        await Fleet.CreateTargetAsync(database.ConnectionString, "tgt-work-concurrent", agent.Id, new() { ["cert_path"] = "/c.pem" });
        await Fleet.CreateCertificateAsync(database.ConnectionString, "mc-work-concurrent", "tgt-work-concurrent");
        await Sql.ExecuteAsync(database.ConnectionString,
            """
            INSERT INTO jobs (id, type, certificate_id, status, target_id, agent_id)
            SELECT 'job-wc-' || n, 'Deployment', 'mc-work-concurrent', 'Pending', 'tgt-work-concurrent', $1 FROM generate_series(1, 30) AS n
            """, agent.Id);

        using var client = host.Client(agent.Token);
        var polls = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => PollAsync(client, agent.Id)));
        var handedOut = polls.SelectMany(poll => poll.GetProperty("jobs").EnumerateArray().Select(item => item.GetProperty("id").GetString())).ToList();
        Assert.All(polls, poll => Assert.InRange(poll.GetProperty("count").GetInt32(), 0, 3));
        for (var poll = await PollAsync(client, agent.Id); poll.GetProperty("count").GetInt32() > 0; poll = await PollAsync(client, agent.Id))
        {
            handedOut.AddRange(poll.GetProperty("jobs").EnumerateArray().Select(item => item.GetProperty("id").GetString()));
        }

        Assert.Equal(handedOut.Count, handedOut.Distinct().Count());
        Assert.Equal(30, handedOut.Count);
        Assert.Equal(30L, await Sql.ScalarAsync<long>(database.ConnectionString,
            "SELECT count(*) FROM jobs WHERE certificate_id = 'mc-work-concurrent' AND status = 'Running' AND attempts = 1"));
    }

    [Fact]
    public async Task A_csr_request_is_listed_with_the_names_and_stays_AwaitingCSR()
    {
        await using var host = await IngestHost.StartAsync(database.ConnectionString, output);
        var agent = await Fleet.RegisterAsync(host, "work-csr");
        var other = await Fleet.RegisterAsync(host, "work-csr-other");
        await Fleet.CreateTargetAsync(database.ConnectionString, "tgt-work-csr", agent.Id, new() { ["cert_path"] = "/c.pem" });
        await Fleet.CreateCertificateAsync(database.ConnectionString, "mc-work-csr", "tgt-work-csr");
        await Fleet.InsertJobAsync(database.ConnectionString, "job-work-csr", "Renewal", "mc-work-csr", "AwaitingCSR");

        using var client = host.Client(agent.Token);
        for (var poll = 0; poll < 2; poll++)
        {
            var item = Assert.Single((await PollAsync(client, agent.Id)).GetProperty("jobs").EnumerateArray());
            Assert.Equal("job-work-csr", item.GetProperty("id").GetString());
            Assert.Equal("AwaitingCSR", item.GetProperty("status").GetString());
            Assert.Equal("Renewal", item.GetProperty("type").GetString());
            Assert.Equal("mc-work-csr.example.test", item.GetProperty("common_name").GetString());
            Assert.Equal(["mc-work-csr.example.test"], item.GetProperty("sans").EnumerateArray().Select(san => san.GetString()));
        }

        Assert.Equal("AwaitingCSR", await Fleet.JobStatusAsync(database.ConnectionString, "job-work-csr"));
        using var otherClient = host.Client(other.Token);
        Assert.Equal(0, (await PollAsync(otherClient, other.Id)).GetProperty("count").GetInt32());
    }

    private static async Task<JsonElement> PollAsync(HttpClient client, string agentId)
    {
        using var response = await client.GetAsync($"/api/v1/agents/{agentId}/work");
        return await Problem.JsonAsync(response, HttpStatusCode.OK);
    }
}
