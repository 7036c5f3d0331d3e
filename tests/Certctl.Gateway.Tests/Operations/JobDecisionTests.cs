using System.Net;
using System.Net.Http.Json;
using Certctl.Gateway.Jobs;
using static Certctl.Gateway.Tests.Certificates.CertificateTestData;

namespace Certctl.Gateway.Tests.Operations;

/// <summary>Edge cases of cancel/approve/reject and of the list ETags.</summary>
public sealed class JobDecisionTests(MigratedDatabaseFixture<JobDecisionTests> database, ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<JobDecisionTests>>
{
    private Task<GatewayHost> StartAsync() => GatewayHost.StartAsync(database.ConnectionString, output, api => api.MapOperationsEndpoints());

    private async Task GatedJobAsync(string id, string requestedBy)
    {
        var db = database.ConnectionString;
        await InsertAsync(db, $"{id}-cert");
        await Sql.ExecuteAsync(db,
            "INSERT INTO jobs (id, type, certificate_id, status, requested_by) VALUES ($1, 'Renewal', $1 || '-cert', 'AwaitingApproval', $2)", id, requestedBy);
        await Sql.ExecuteAsync(db,
            "INSERT INTO issuance_approval_requests (id, certificate_id, job_id, requested_by) VALUES ('ar-' || $1, $1 || '-cert', $1, $2)", id, requestedBy);
    }

    [Fact]
    public async Task Concurrent_approvals_by_two_operators_decide_once()
    {
        await GatedJobAsync("dec-race", "carol");
        await using var gateway = await StartAsync();
        using var alice = gateway.Client(GatewayHost.AliceKey);
        using var bob = gateway.Client(GatewayHost.BobKey);

        var responses = await Task.WhenAll(
            alice.PostAsJsonAsync("/api/v1/jobs/dec-race/approve", new { }),
            bob.PostAsJsonAsync("/api/v1/jobs/dec-race/approve", new { }));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Conflict);
        Assert.Equal(1L, await Sql.ScalarAsync<long>(database.ConnectionString,
            "SELECT count(*) FROM issuance_approval_requests WHERE job_id = 'dec-race' AND state = 'approved'"));
    }

    [Fact]
    public async Task The_approval_requester_is_refused_even_when_the_job_names_someone_else()
    {
        await GatedJobAsync("dec-requester", "bob");
        await Sql.ExecuteAsync(database.ConnectionString, "UPDATE jobs SET requested_by = 'system' WHERE id = 'dec-requester'");
        await using var gateway = await StartAsync();

        using var response = await gateway.Client(GatewayHost.BobKey).PostAsync("/api/v1/jobs/dec-requester/approve", null);

        await ProblemJson.ReadAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal("AwaitingApproval", await Sql.ScalarAsync<string>(database.ConnectionString, "SELECT status FROM jobs WHERE id = 'dec-requester'"));
    }

    [Fact]
    public async Task Cancelling_a_gated_job_closes_its_approval_request_and_approving_a_plain_job_is_409()
    {
        var db = database.ConnectionString;
        await GatedJobAsync("dec-cancel", "carol");
        await InsertAsync(db, "dec-plain-cert");
        await Sql.ExecuteAsync(db, "INSERT INTO jobs (id, type, certificate_id, status) VALUES ('dec-plain', 'Deployment', 'dec-plain-cert', 'Pending')");
        await using var gateway = await StartAsync();
        using var client = gateway.Client(GatewayHost.BobKey);

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/v1/jobs/dec-cancel/cancel", null)).StatusCode);
        Assert.Equal("rejected", await Sql.ScalarAsync<string>(db, "SELECT state FROM issuance_approval_requests WHERE job_id = 'dec-cancel'"));
        await ProblemJson.ReadAsync(await client.PostAsync("/api/v1/jobs/dec-plain/approve", null), HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/api/v1/jobs/dec-nope/approve", null)).StatusCode);
    }

    [Fact]
    public async Task The_job_list_tag_changes_after_a_change_in_the_set()
    {
        var db = database.ConnectionString;
        await InsertAsync(db, "dec-etag-cert");
        await Sql.ExecuteAsync(db, "INSERT INTO jobs (id, type, certificate_id, status) VALUES ('dec-etag', 'Deployment', 'dec-etag-cert', 'Pending')");
        await using var gateway = await StartAsync();
        using var client = gateway.Client(GatewayHost.BobKey);
        using var before = await client.GetAsync("/api/v1/jobs?certificate_id=dec-etag-cert");

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/v1/jobs/dec-etag/cancel", null)).StatusCode);

        using var after = new HttpRequestMessage(HttpMethod.Get, "/api/v1/jobs?certificate_id=dec-etag-cert");
        after.Headers.IfNoneMatch.Add(before.Headers.ETag!);
        using var response = await client.SendAsync(after);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual(before.Headers.ETag, response.Headers.ETag);
        Assert.Equal("Cancelled", (await JsonAsync(response)).GetProperty("data")[0].GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_foreign_cursor_is_a_400_on_the_audit_list()
    {
        await using var gateway = await StartAsync();
        using var client = gateway.Client(GatewayHost.BobKey);
        var jobs = await JsonAsync(await client.GetAsync("/api/v1/jobs?limit=1"));
        var cursor = jobs.GetProperty("next_cursor").GetString()!;

        await ProblemJson.ReadAsync(await client.GetAsync($"/api/v1/audit?cursor={Uri.EscapeDataString(cursor)}"), HttpStatusCode.BadRequest);
        await ProblemJson.ReadAsync(await client.GetAsync("/api/v1/audit?limit=0"), HttpStatusCode.BadRequest);
    }
}
