using System.Net;
using System.Net.Http.Json;
using Certctl.Gateway.Jobs;
using static Certctl.Gateway.Tests.Certificates.CertificateTestData;

namespace Certctl.Gateway.Tests.Operations;

/// <summary>Jobs, agents, audit and stats against the demo seed on a real Postgres.</summary>
public sealed class OperationsTests(MigratedDatabaseFixture<OperationsTests> database, ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<OperationsTests>>
{
    private Task<GatewayHost> StartAsync() => GatewayHost.StartAsync(database.ConnectionString, output, api => api.MapOperationsEndpoints());

    private Task InsertJobAsync(string id, string certificate, string status, string? requestedBy = "bob", string? agent = null, string? target = null, string type = "Deployment") =>
        Sql.ExecuteAsync(database.ConnectionString,
            "INSERT INTO jobs (id, type, certificate_id, status, requested_by, agent_id, target_id) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            id, type, certificate, status, requestedBy, agent, target);

    [Fact]
    public async Task Every_route_needs_a_key()
    {
        await using var gateway = await StartAsync();
        using var client = gateway.Client();
        foreach (var path in new[] { "/api/v1/jobs", "/api/v1/agents", "/api/v1/audit", "/api/v1/stats/summary", "/api/v1/agents/retired" })
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
    }

    [Fact]
    public async Task Job_list_filters_pages_and_answers_304_on_repeat()
    {
        var db = database.ConnectionString;
        await InsertAsync(db, "ops-list-cert");
        for (var i = 0; i < 5; i++)
        {
            await InsertJobAsync($"ops-list-{i}", "ops-list-cert", "Completed", agent: "ag-web-prod");
        }

        await using var gateway = await StartAsync();
        using var client = gateway.Client(GatewayHost.BobKey);
        var ids = await Inventory.InventoryHttp.WalkIdsAsync(client, "/api/v1/jobs", 2);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(await Sql.ScalarAsync<long>(db, "SELECT count(*) FROM jobs"), ids.Count);

        var filtered = await JsonAsync(await client.GetAsync("/api/v1/jobs?certificate_id=ops-list-cert&status=Completed&type=Deployment&agent_id=ag-web-prod"));
        Assert.Equal(["ops-list-4", "ops-list-3", "ops-list-2", "ops-list-1", "ops-list-0"], Ids(filtered).Order().Reverse().ToArray());
        await ProblemJson.ReadAsync(await client.GetAsync("/api/v1/jobs?status=completed"), HttpStatusCode.BadRequest);

        using var first = await client.GetAsync("/api/v1/jobs?certificate_id=ops-list-cert");
        var etag = first.Headers.ETag!;
        using var again = new HttpRequestMessage(HttpMethod.Get, "/api/v1/jobs?certificate_id=ops-list-cert");
        again.Headers.IfNoneMatch.Add(etag);
        using var notModified = await client.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal(string.Empty, await notModified.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Cancel_is_allowed_from_unfinished_states_and_409_otherwise()
    {
        var db = database.ConnectionString;
        await InsertAsync(db, "ops-cancel-cert");
        await InsertJobAsync("ops-cancel-running", "ops-cancel-cert", "Running");
        await InsertJobAsync("ops-cancel-done", "ops-cancel-cert", "Completed");
        await using var gateway = await StartAsync();
        using var client = gateway.Client(GatewayHost.BobKey);

        using var ok = await client.PostAsync("/api/v1/jobs/ops-cancel-running/cancel", null);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("Cancelled", await Sql.ScalarAsync<string>(db, "SELECT status FROM jobs WHERE id = 'ops-cancel-running'"));
        await ProblemJson.ReadAsync(await client.PostAsync("/api/v1/jobs/ops-cancel-running/cancel", null), HttpStatusCode.Conflict);
        await ProblemJson.ReadAsync(await client.PostAsync("/api/v1/jobs/ops-cancel-done/cancel", null), HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/api/v1/jobs/ops-nope/cancel", null)).StatusCode);
        Assert.Equal(1L, await Sql.ScalarAsync<long>(db, "SELECT count(*) FROM audit_events WHERE action = 'job_cancelled' AND resource_id = 'ops-cancel-running' AND actor = 'bob'"));
    }

    [Fact]
    public async Task Approval_follows_the_two_person_rule_and_a_second_decision_is_409()
    {
        var db = database.ConnectionString;
        await InsertAsync(db, "ops-gated", expiresAt: DateTime.UtcNow.AddDays(20), profile: "prof-high-security");
        await using var gateway = await StartAsync();
        using var bob = gateway.Client(GatewayHost.BobKey);
        using var alice = gateway.Client(GatewayHost.AliceKey);
        var certificates = await GatewayHost.StartAsync(db, output, api => api.MapCertificateEndpointsForTests());
        await using (certificates)
        {
            using var renew = await certificates.Client(GatewayHost.BobKey).PostAsync("/api/v1/certificates/ops-gated/renew", null);
            Assert.Equal(HttpStatusCode.Accepted, renew.StatusCode);
        }

        var jobId = await Sql.ScalarAsync<string>(db, "SELECT id FROM jobs WHERE certificate_id = 'ops-gated'");
        await ProblemJson.ReadAsync(await bob.PostAsJsonAsync($"/api/v1/jobs/{jobId}/approve", new { note = "me" }), HttpStatusCode.Forbidden);
        using var approved = await alice.PostAsJsonAsync($"/api/v1/jobs/{jobId}/approve", new { note = "ok" });
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var job = Assert.Single(await Sql.RowsAsync(db, "SELECT status, approved_by FROM jobs WHERE id = $1", jobId));
        Assert.Equal("Pending", job["status"]);
        Assert.Equal("alice", job["approved_by"]);
        var request = Assert.Single(await Sql.RowsAsync(db, "SELECT state, decided_by, decided_at FROM issuance_approval_requests WHERE job_id = $1", jobId));
        Assert.Equal("approved", request["state"]);
        Assert.Equal("alice", request["decided_by"]);
        Assert.NotNull(request["decided_at"]);
        await ProblemJson.ReadAsync(await alice.PostAsJsonAsync($"/api/v1/jobs/{jobId}/approve", new { }), HttpStatusCode.Conflict);
        await ProblemJson.ReadAsync(await alice.PostAsJsonAsync($"/api/v1/jobs/{jobId}/reject", new { reason = "late" }), HttpStatusCode.Conflict);
        Assert.Equal(1L, await Sql.ScalarAsync<long>(db, "SELECT count(*) FROM audit_events WHERE action = 'job_approved' AND resource_id = $1", jobId));
    }

    [Fact]
    public async Task Reject_cancels_the_job_with_the_reason_and_closes_the_request()
    {
        var db = database.ConnectionString;
        await InsertAsync(db, "ops-reject-cert");
        await InsertJobAsync("ops-reject", "ops-reject-cert", "AwaitingApproval", requestedBy: "carol", type: "Renewal");
        await Sql.ExecuteAsync(db,
            "INSERT INTO issuance_approval_requests (id, certificate_id, job_id, requested_by) VALUES ('ar-ops-reject', 'ops-reject-cert', 'ops-reject', 'carol')");
        await using var gateway = await StartAsync();

        using var rejected = await gateway.Client(GatewayHost.BobKey).PostAsJsonAsync("/api/v1/jobs/ops-reject/reject", new { reason = "not needed" });

        Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        var job = Assert.Single(await Sql.RowsAsync(db, "SELECT status, last_error FROM jobs WHERE id = 'ops-reject'"));
        Assert.Equal("Cancelled", job["status"]);
        Assert.Equal("rejected: not needed", job["last_error"]);
        Assert.Equal("rejected", await Sql.ScalarAsync<string>(db, "SELECT state FROM issuance_approval_requests WHERE id = 'ar-ops-reject'"));
        Assert.Equal(1L, await Sql.ScalarAsync<long>(db, "SELECT count(*) FROM audit_events WHERE action = 'job_rejected' AND resource_id = 'ops-reject'"));
    }

    [Fact]
    public async Task Agent_retirement_checks_dependencies_and_force_cascades()
    {
        var db = database.ConnectionString;
        await InsertJobAsync("ops-agent-job", "mc-wildcard-prod", "Pending", agent: "ag-k8s-prod", target: "tgt-k8s-prod");
        await using var gateway = await StartAsync();
        using var client = gateway.Client(GatewayHost.BobKey);

        var blocked = await ProblemJson.ReadAsync(await client.DeleteAsync("/api/v1/agents/ag-k8s-prod"), HttpStatusCode.Conflict);
        var counts = blocked.Body.GetProperty("counts");
        Assert.Equal(1, counts.GetProperty("active_targets").GetInt64());
        Assert.Equal(1, counts.GetProperty("active_certificates").GetInt64());
        Assert.Equal(1, counts.GetProperty("pending_jobs").GetInt64());
        var noReason = await ProblemJson.ReadAsync(await client.DeleteAsync("/api/v1/agents/ag-k8s-prod?force=true"), HttpStatusCode.BadRequest);
        Assert.True(noReason.Errors.TryGetProperty("reason", out _));

        using var forced = await client.DeleteAsync("/api/v1/agents/ag-k8s-prod?force=true&reason=decommissioned");
        Assert.Equal(HttpStatusCode.OK, forced.StatusCode);
        Assert.True((await JsonAsync(forced)).GetProperty("cascade").GetBoolean());
        Assert.Equal("Cancelled", await Sql.ScalarAsync<string>(db, "SELECT status FROM jobs WHERE id = 'ops-agent-job'"));
        Assert.Equal("decommissioned", await Sql.ScalarAsync<string>(db, "SELECT retired_reason FROM deployment_targets WHERE id = 'tgt-k8s-prod'"));
        Assert.True(await Sql.ScalarAsync<bool>(db,
            "SELECT a.retired_at = t.retired_at FROM agents a JOIN deployment_targets t ON t.agent_id = a.id WHERE a.id = 'ag-k8s-prod'"));
        Assert.Equal(2L, await Sql.ScalarAsync<long>(db,
            "SELECT count(*) FROM audit_events WHERE resource_id = 'ag-k8s-prod' AND action IN ('agent_retired', 'agent_retirement_cascaded')"));

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/api/v1/agents/ag-k8s-prod")).StatusCode);
        await ProblemJson.ReadAsync(await client.DeleteAsync("/api/v1/agents/cloud-aws-sm?force=true&reason=x"), HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync("/api/v1/agents/ag-nope")).StatusCode);

        var active = await JsonAsync(await client.GetAsync("/api/v1/agents?limit=500"));
        Assert.DoesNotContain("ag-k8s-prod", Ids(active));
        Assert.DoesNotContain("token_hash", active.ToString());
        Assert.Contains("ag-k8s-prod", Ids(await JsonAsync(await client.GetAsync("/api/v1/agents/retired"))));
        Assert.Equal(["ag-iis-prod"], Ids(await JsonAsync(await client.GetAsync("/api/v1/agents?os=windows&status=Offline"))));
    }

    [Fact]
    public async Task Agent_without_dependencies_retires_without_force()
    {
        var db = database.ConnectionString;
        await Sql.ExecuteAsync(db, "INSERT INTO agents (id, name, hostname) VALUES ('ag-ops-idle', 'ops-idle', 'idle.example.com')");
        await using var gateway = await StartAsync();
        using var response = await gateway.Client(GatewayHost.BobKey).DeleteAsync("/api/v1/agents/ag-ops-idle");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False((await JsonAsync(response)).GetProperty("cascade").GetBoolean());
    }

    [Fact]
    public async Task Audit_list_filters_by_actor_resource_and_time_newest_id_first()
    {
        var db = database.ConnectionString;
        await Sql.ExecuteAsync(db,
            """
            INSERT INTO audit_events (actor, actor_type, action, resource_type, resource_id, occurred_at) VALUES
              ('ops-auditor', 'User', 'a1', 'widget', 'w-1', '2026-01-01T00:00:00Z'),
              ('ops-auditor', 'User', 'a2', 'widget', 'w-2', '2026-02-01T00:00:00Z'),
              ('ops-auditor', 'User', 'a3', 'widget', 'w-1', '2026-01-15T00:00:00Z')
            """);
        await using var gateway = await StartAsync();
        using var client = gateway.Client(GatewayHost.BobKey);

        var all = await JsonAsync(await client.GetAsync("/api/v1/audit?actor=ops-auditor&limit=2"));
        Assert.Equal(["a3", "a2"], all.GetProperty("data").EnumerateArray().Select(row => row.GetProperty("action").GetString()!).ToArray());
        var next = all.GetProperty("next_cursor").GetString()!;
        var rest = await JsonAsync(await client.GetAsync($"/api/v1/audit?actor=ops-auditor&limit=2&cursor={Uri.EscapeDataString(next)}"));
        Assert.Equal(["a1"], rest.GetProperty("data").EnumerateArray().Select(row => row.GetProperty("action").GetString()!).ToArray());
        Assert.Equal(JsonValueKindNull, rest.GetProperty("next_cursor").ValueKind);

        var ranged = await JsonAsync(await client.GetAsync("/api/v1/audit?resource_type=widget&resource_id=w-1&from=2026-01-10T00:00:00Z&to=2026-03-01T00:00:00Z"));
        Assert.Equal(["a3"], ranged.GetProperty("data").EnumerateArray().Select(row => row.GetProperty("action").GetString()!).ToArray());
        var bad = await ProblemJson.ReadAsync(await client.GetAsync("/api/v1/audit?from=yesterday"), HttpStatusCode.BadRequest);
        Assert.True(bad.Errors.TryGetProperty("from", out _));

        using var first = await client.GetAsync("/api/v1/audit?actor=ops-auditor");
        using var again = new HttpRequestMessage(HttpMethod.Get, "/api/v1/audit?actor=ops-auditor");
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(again)).StatusCode);
    }

    [Fact]
    public async Task Stats_summary_matches_direct_sql_counts()
    {
        var db = database.ConnectionString;
        await using var gateway = await StartAsync();
        var stats = await JsonAsync(await gateway.Client(GatewayHost.BobKey).GetAsync("/api/v1/stats/summary"));

        Assert.Equal(await Sql.ScalarAsync<long>(db, "SELECT count(*) FROM managed_certificates"), stats.GetProperty("total_certificates").GetInt64());
        Assert.Equal(await Sql.ScalarAsync<long>(db, "SELECT count(*) FROM managed_certificates WHERE status = 'Active'"),
            stats.GetProperty("certificates_by_status").GetProperty("Active").GetInt64());
        Assert.Equal(await Sql.ScalarAsync<long>(db,
                "SELECT count(*) FROM managed_certificates WHERE status NOT IN ('Archived','Revoked','Expired') AND expires_at > now() AND expires_at <= now() + interval '30 days'"),
            stats.GetProperty("expiring_in_30_days").GetInt64());
        Assert.Equal(await Sql.ScalarAsync<long>(db, "SELECT count(*) FROM jobs"), stats.GetProperty("total_jobs").GetInt64());
        Assert.Equal(await Sql.ScalarAsync<long>(db, "SELECT count(*) FROM agents WHERE retired_at IS NULL AND status = 'Online'"),
            stats.GetProperty("agents_online").GetInt64());
        Assert.Equal(await Sql.ScalarAsync<long>(db, "SELECT count(*) FROM agents WHERE retired_at IS NULL AND status <> 'Online'"),
            stats.GetProperty("agents_offline").GetInt64());
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;
}

internal static class OperationsTestMaps
{
    public static void MapCertificateEndpointsForTests(this Microsoft.AspNetCore.Routing.RouteGroupBuilder api) =>
        Certctl.Gateway.Certificates.CertificateEndpoints.MapCertificateEndpoints(api);
}
