using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Certctl.Gateway.Tests;

/// <summary>State-changing operator calls land in audit_events (queued, batched, flushed on stop); reads and 401s do not.</summary>
public sealed class ApiAuditTrailTests(MigratedDatabaseFixture<ApiAuditTrailTests> database, ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<ApiAuditTrailTests>>
{
    [Fact]
    public async Task A_post_is_recorded_with_actor_resource_body_hash_status_latency_and_request_id()
    {
        await using var gateway = await StartAsync();
        const string body = """{"id":"t-audit-post","name":"Audit post"}""";

        using var response = await gateway.Client(GatewayHost.BobNextKey).PostAsync("/api/v1/teams", Json(body));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var row = await AuditRows.WaitForAsync(database.ConnectionString, AuditRows.RequestId(response));
        Assert.Equal("bob", row["actor"]);
        Assert.Equal("User", row["actor_type"]);
        Assert.Equal("api_post", row["action"]);
        Assert.Equal("teams", row["resource_type"]);
        Assert.Equal("t-audit-post", row["resource_id"]); // from the Location of the created team
        Assert.Equal(Sha256Hex(body), row["body_sha256"]);
        Assert.Equal(201, row["status_code"]);
        Assert.InRange((int)row["latency_ms"]!, 0, 30_000);
        Assert.InRange((DateTime)row["occurred_at"]!, DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddMinutes(1));
        using var details = JsonDocument.Parse((string)row["details"]!);
        Assert.Equal("POST", details.RootElement.GetProperty("method").GetString());
        Assert.Equal("/api/v1/teams", details.RootElement.GetProperty("path").GetString());
    }

    [Fact]
    public async Task The_resource_id_comes_from_the_route_and_the_query_string_is_never_stored()
    {
        await using var gateway = await StartAsync();
        await Sql.ExecuteAsync(database.ConnectionString, "INSERT INTO teams (id, name) VALUES ('t-audit-rename', 'Before')");

        using var response = await gateway.Client(GatewayHost.AliceKey)
            .PostAsync("/api/v1/teams/t-audit-rename/rename?token=do-not-store-me", Json("""{"id":"x","name":"After"}"""));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var row = await AuditRows.WaitForAsync(database.ConnectionString, AuditRows.RequestId(response));
        Assert.Equal("alice", row["actor"]);
        Assert.Equal("teams", row["resource_type"]);
        Assert.Equal("t-audit-rename", row["resource_id"]);
        Assert.Equal(204, row["status_code"]);
        Assert.DoesNotContain(row.Values, value => value?.ToString()?.Contains("do-not-store-me", StringComparison.Ordinal) == true);
        using var details = JsonDocument.Parse((string)row["details"]!);
        Assert.Equal("/api/v1/teams/{id}/rename", details.RootElement.GetProperty("route").GetString());
    }

    [Fact]
    public async Task A_delete_without_a_body_is_recorded_without_a_body_hash()
    {
        await using var gateway = await StartAsync();
        await Sql.ExecuteAsync(database.ConnectionString, "INSERT INTO teams (id, name) VALUES ('t-audit-delete', 'Delete me')");

        using var response = await gateway.Client(GatewayHost.BobKey).DeleteAsync("/api/v1/teams/t-audit-delete");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var row = await AuditRows.WaitForAsync(database.ConnectionString, AuditRows.RequestId(response));
        Assert.Equal(("bob", "api_delete", "teams", "t-audit-delete", 204), ((string)row["actor"]!, (string)row["action"]!, (string)row["resource_type"]!, (string)row["resource_id"]!, (int)row["status_code"]!));
        Assert.Null(row["body_sha256"]);
    }

    [Fact]
    public async Task Failed_and_forbidden_calls_are_recorded_with_the_status_they_were_answered_with()
    {
        await using var gateway = await StartAsync();
        using var client = gateway.Client(GatewayHost.BobKey);

        using var conflict = await client.PostAsync("/api/v1/problems/domain", Json("{}"));
        using var forbidden = await client.PostAsync("/api/v1/bulk-revoke", Json("""{"reason":"keyCompromise"}"""));

        Assert.Equal(409, (await AuditRows.WaitForAsync(database.ConnectionString, AuditRows.RequestId(conflict)))["status_code"]);
        var forbiddenRow = await AuditRows.WaitForAsync(database.ConnectionString, AuditRows.RequestId(forbidden));
        Assert.Equal(403, forbiddenRow["status_code"]);
        Assert.Equal("bob", forbiddenRow["actor"]);
    }

    [Fact]
    public async Task Reads_and_unauthenticated_calls_are_not_recorded()
    {
        await using var gateway = await StartAsync();

        using var read = await gateway.Client(GatewayHost.BobKey).GetAsync("/api/v1/auth/check");
        using var noKey = await gateway.Client().PostAsync("/api/v1/teams", Json("""{"id":"t-audit-401","name":"No key"}"""));
        using var wrongKey = await gateway.Client("wrong").DeleteAsync("/api/v1/teams/t-platform");
        // The writer is first-in first-out: once a later row is in, the earlier calls would have been too.
        using var marker = await gateway.Client(GatewayHost.BobKey).PostAsync("/api/v1/problems/domain", Json("{}"));
        await AuditRows.WaitForAsync(database.ConnectionString, AuditRows.RequestId(marker));

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
        foreach (var response in new[] { read, noKey, wrongKey })
        {
            Assert.Empty(await AuditRows.ForAsync(database.ConnectionString, AuditRows.RequestId(response)));
        }
    }

    [Fact]
    public async Task Every_accepted_row_is_written_when_the_host_stops()
    {
        // A batch that never fills and a flush interval of an hour: only the stop can write these rows.
        var gateway = await GatewayHost.StartAsync(database.ConnectionString, output, TestEndpoints.Map, new Dictionary<string, string?>
        {
            ["CERTCTL_AUDIT_FLUSH_INTERVAL_MS"] = "3600000",
            ["CERTCTL_AUDIT_BATCH_SIZE"] = "10000",
        });
        await using (gateway)
        {
            using var client = gateway.Client(GatewayHost.AliceKey);
            var requestIds = new List<string>();
            for (var i = 0; i < 40; i++)
            {
                using var response = await client.PostAsync("/api/v1/problems/domain", Json($$"""{"n":{{i}}}"""));
                requestIds.Add(AuditRows.RequestId(response));
            }

            var ids = requestIds.ToArray();
            Assert.Equal(0L, await Sql.ScalarAsync<long>(database.ConnectionString, "SELECT count(*) FROM audit_events WHERE request_id = ANY($1)", (object)ids));

            await gateway.StopAsync();

            Assert.Equal(40L, await Sql.ScalarAsync<long>(database.ConnectionString, "SELECT count(*) FROM audit_events WHERE request_id = ANY($1)", (object)ids));
        }
    }

    [Fact]
    public async Task A_call_still_running_when_the_host_stops_is_recorded()
    {
        var gateway = await StartAsync();
        await using (gateway)
        {
            using var client = gateway.Client(GatewayHost.BobKey);
            var call = client.PostAsync("/api/v1/slow/job-in-flight", Json("{}"));
            await Task.Delay(200); // the handler is now waiting

            await gateway.StopAsync();

            using var response = await call;
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            var row = Assert.Single(await AuditRows.ForAsync(database.ConnectionString, AuditRows.RequestId(response)));
            Assert.Equal(("slow", "job-in-flight", 202), ((string)row["resource_type"]!, (string)row["resource_id"]!, (int)row["status_code"]!));
        }
    }

    [Fact]
    public async Task Many_concurrent_calls_are_all_recorded()
    {
        await using var gateway = await StartAsync();
        using var client = gateway.Client(GatewayHost.BobKey);

        var responses = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => client.PostAsync("/api/v1/problems/domain", Json($$"""{"n":{{i}}}"""))));
        var ids = responses.Select(AuditRows.RequestId).ToArray();
        foreach (var response in responses)
        {
            response.Dispose();
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        long written;
        while ((written = await Sql.ScalarAsync<long>(database.ConnectionString, "SELECT count(*) FROM audit_events WHERE request_id = ANY($1)", (object)ids)) < ids.Length
               && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Equal(ids.Length, written);
        Assert.Equal(ids.Length, ids.Distinct().Count());
    }

    [Fact]
    public async Task The_writer_reports_rows_written_batch_sizes_and_queue_length()
    {
        var measured = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == Certctl.ServiceDefaults.Telemetry.SourceName && instrument.Name.StartsWith("certctl.gateway.audit.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => measured.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value));
        listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => measured.AddOrUpdate(instrument.Name + ".count", 1, (_, count) => count + 1));
        listener.Start();
        await using var gateway = await StartAsync();

        using var response = await gateway.Client(GatewayHost.BobKey).PostAsync("/api/v1/problems/domain", Json("{}"));
        await AuditRows.WaitForAsync(database.ConnectionString, AuditRows.RequestId(response));

        Assert.True(measured.GetValueOrDefault("certctl.gateway.audit.rows_written") >= 1);
        Assert.True(measured.GetValueOrDefault("certctl.gateway.audit.batch_size.count") >= 1);
        Assert.True(measured.ContainsKey("certctl.gateway.audit.queue_length"));
    }

    private Task<GatewayHost> StartAsync() => GatewayHost.StartAsync(database.ConnectionString, output, TestEndpoints.Map);

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static string Sha256Hex(string body) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body)));
}
