using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Certctl.AgentIngest.Heartbeats;
using Npgsql;

namespace Certctl.AgentIngest.Tests;

/// <summary>The fleet heartbeat path: answered before the write, written in batches, bounded buffer with 503 and no loss.</summary>
public sealed class HeartbeatTests(MigratedDatabaseFixture<HeartbeatTests> database, ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<HeartbeatTests>>
{
    [Fact]
    public async Task A_heartbeat_is_written_with_its_non_empty_metadata_and_brings_the_agent_online()
    {
        await using var host = await IngestHost.StartAsync(database.ConnectionString, output);
        var agent = await Fleet.RegisterAsync(host, "hb-metadata");
        await Sql.ExecuteAsync(database.ConnectionString,
            "UPDATE agents SET status = 'Offline', last_heartbeat_at = now() - interval '1 hour', updated_at = now() - interval '1 hour' WHERE id = $1", agent.Id);
        using var client = host.Client(agent.Token);
        using var response = await client.PostAsJsonAsync($"/api/v1/agents/{agent.Id}/heartbeat",
            new { version = "1.2.3", hostname = "", os = "linux", architecture = "arm64", ip_address = "10.1.2.3" });
        var body = await Problem.JsonAsync(response, HttpStatusCode.OK);
        Assert.Equal("heartbeat_recorded", body.GetProperty("status").GetString());

        var row = await WaitForAsync(agent.Id, "status = 'Online'");
        Assert.Equal("1.2.3", row["version"]);
        Assert.Equal("hb-metadata.example.test", row["hostname"]); // empty values keep the stored one
        Assert.Equal("arm64", row["architecture"]);
        Assert.Equal("10.1.2.3", row["ip_address"]);
        Assert.True((DateTime)row["last_heartbeat_at"]! > DateTime.UtcNow.AddMinutes(-1));
        Assert.True((DateTime)row["updated_at"]! > DateTime.UtcNow.AddMinutes(-1));
    }

    [Fact]
    public async Task An_unchanged_heartbeat_moves_only_the_heartbeat_time()
    {
        await using var host = await IngestHost.StartAsync(database.ConnectionString, output);
        var agent = await Fleet.RegisterAsync(host, "hb-unchanged");
        await Sql.ExecuteAsync(database.ConnectionString,
            "UPDATE agents SET last_heartbeat_at = now() - interval '1 hour', updated_at = '2020-01-01T00:00:00Z' WHERE id = $1", agent.Id);
        using var client = host.Client(agent.Token);
        using var response = await client.PostAsJsonAsync($"/api/v1/agents/{agent.Id}/heartbeat", new { os = "linux" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var row = await WaitForAsync(agent.Id, "last_heartbeat_at > now() - interval '1 minute'");
        Assert.Equal(new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc), (DateTime)row["updated_at"]!);
    }

    [Fact]
    public async Task Many_heartbeats_are_written_by_few_statements()
    {
        await using var host = await IngestHost.StartAsync(database.ConnectionString, output,
            new Dictionary<string, string?> { ["CERTCTL_HEARTBEAT_BATCH_DELAY_MS"] = "500" });
        var agents = new List<Fleet.Agent>();
        for (var i = 0; i < 40; i++)
        {
            agents.Add(await Fleet.RegisterAsync(host, $"hb-batch-{i:D2}"));
        }

        var ids = agents.Select(agent => agent.Id).ToArray();
        var journalBefore = await Sql.ScalarAsync<long>(database.ConnectionString, "SELECT count(DISTINCT version) FROM agents_changes WHERE id = ANY($1)", (object)ids);
        // Warm the token cache first, so the burst below reaches the buffer within one batch window.
        await Task.WhenAll(agents.Select(async agent =>
        {
            using var client = host.Client(agent.Token);
            using var warm = await client.GetAsync($"/api/v1/agents/{agent.Id}/work");
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }));
        await Task.Delay(1000); // nothing queued before the burst
        var journalWarm = await Sql.ScalarAsync<long>(database.ConnectionString, "SELECT count(DISTINCT version) FROM agents_changes WHERE id = ANY($1)", (object)ids);

        await Task.WhenAll(agents.SelectMany(agent => Enumerable.Range(0, 5).Select(async n =>
        {
            using var client = host.Client(agent.Token);
            using var response = await client.PostAsJsonAsync($"/api/v1/agents/{agent.Id}/heartbeat", new { version = $"2.0.{n}" });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        })));

        var deadline = Stopwatch.StartNew();
        while (await Sql.ScalarAsync<long>(database.ConnectionString,
                   "SELECT count(*) FROM agents WHERE id = ANY($1) AND version LIKE '2.0.%'", (object)ids) < ids.Length)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(10), "the heartbeats were not written");
            await Task.Delay(50);
        }

        // Every statement that changes agent rows journals them under its transaction id: 200 heartbeats, a handful of statements.
        var statements = await Sql.ScalarAsync<long>(database.ConnectionString, "SELECT count(DISTINCT version) FROM agents_changes WHERE id = ANY($1)", (object)ids)
            - journalWarm;
        output.WriteLine($"200 heartbeats of 40 agents written by {statements} statement(s) (registrations journaled {journalBefore})");
        Assert.InRange(statements, 1, 4);
    }

    [Fact]
    public void The_last_heartbeat_of_an_agent_wins_within_a_batch()
    {
        var t = DateTimeOffset.UtcNow;
        var last = HeartbeatBatch.LastPerAgent(
        [
            new Heartbeat("ag-b", t, "1", "", "", "", ""),
            new Heartbeat("ag-a", t.AddMilliseconds(5), "2", "", "", "", ""),
            new Heartbeat("ag-b", t.AddMilliseconds(10), "3", "", "", "", ""),
            new Heartbeat("ag-a", t, "4", "", "", "", ""),
        ]);
        Assert.Equal(["ag-a", "ag-b"], last.Select(heartbeat => heartbeat.AgentId));
        Assert.Equal(["2", "3"], last.Select(heartbeat => heartbeat.Version));
    }

    [Fact]
    public async Task A_database_that_cannot_write_fills_the_buffer_then_503_and_every_accepted_heartbeat_is_written_after()
    {
        await using var host = await IngestHost.StartAsync(database.ConnectionString, output, new Dictionary<string, string?>
        {
            ["CERTCTL_HEARTBEAT_BUFFER"] = "5",
            ["CERTCTL_HEARTBEAT_BATCH_SIZE"] = "1",
            ["CERTCTL_HEARTBEAT_RETRY_AFTER_SECONDS"] = "7",
            ["CERTCTL_HEARTBEAT_BATCH_DELAY_MS"] = "1",
        });
        var agents = new List<Fleet.Agent>();
        for (var i = 0; i < 8; i++)
        {
            agents.Add(await Fleet.RegisterAsync(host, $"hb-outage-{i}"));
        }

        foreach (var agent in agents)
        {
            using var client = host.Client(agent.Token);
            using var warm = await client.GetAsync($"/api/v1/agents/{agent.Id}/work"); // token cached: auth needs no query during the outage
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        // Writes to agents block (reads do not) until the lock holder ends: the database "cannot write".
        await using var blocker = new NpgsqlConnection(database.ConnectionString);
        await blocker.OpenAsync();
        await using var transaction = await blocker.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE agents IN EXCLUSIVE MODE", blocker, transaction))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        var accepted = new List<string>();
        var refused = 0;
        foreach (var agent in agents)
        {
            using var client = host.Client(agent.Token);
            using var response = await client.PostAsJsonAsync($"/api/v1/agents/{agent.Id}/heartbeat", new { version = "outage" });
            if (response.StatusCode == HttpStatusCode.OK)
            {
                accepted.Add(agent.Id);
                await Task.Delay(100); // the writer takes the first one into its (blocked) batch
                continue;
            }

            await Problem.ReadAsync(response, HttpStatusCode.ServiceUnavailable);
            Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter?.Delta);
            refused++;
        }

        // One heartbeat in the blocked batch plus five in the buffer were accepted; the rest were refused.
        Assert.Equal(6, accepted.Count);
        Assert.Equal(2, refused);
        Assert.Equal(0L, await Sql.ScalarAsync<long>(database.ConnectionString, "SELECT count(*) FROM agents WHERE version = 'outage'"));

        await transaction.RollbackAsync();
        var deadline = Stopwatch.StartNew();
        while (await Sql.ScalarAsync<long>(database.ConnectionString, "SELECT count(*) FROM agents WHERE version = 'outage'") < accepted.Count)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(15), "accepted heartbeats were lost");
            await Task.Delay(50);
        }

        Assert.Equal(accepted.Order(), (await Sql.RowsAsync(database.ConnectionString, "SELECT id FROM agents WHERE version = 'outage' ORDER BY id"))
            .Select(row => (string)row["id"]!).Order());
    }

    private async Task<Dictionary<string, object?>> WaitForAsync(string agentId, string condition)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var rows = await Sql.RowsAsync(database.ConnectionString, $"SELECT * FROM agents WHERE id = $1 AND {condition}", agentId);
            if (rows.Count == 1)
            {
                return rows[0];
            }

            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(10), $"agent {agentId} never matched {condition}");
            await Task.Delay(50);
        }
    }
}
