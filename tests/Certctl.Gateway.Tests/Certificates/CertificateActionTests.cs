using System.Net;
using System.Net.Http.Json;
using static Certctl.Gateway.Tests.Certificates.CertificateTestData;

namespace Certctl.Gateway.Tests.Certificates;

/// <summary>Renew and revoke: the jobs, approval requests, revocation rows and audit rows they write in one transaction.</summary>
public sealed class CertificateActionTests(MigratedDatabaseFixture<CertificateActionTests> database, ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<CertificateActionTests>>
{
    private static readonly DateTime Expiry = DateTime.UtcNow.AddDays(20);

    [Fact]
    public async Task Renew_creates_exactly_one_job_and_a_second_renew_is_409()
    {
        var db = database.ConnectionString;
        await InsertAsync(db, "ren-1", expiresAt: Expiry);
        await using var gateway = await StartAsync(db, output);
        using var client = gateway.Client(GatewayHost.BobKey);

        using var first = await client.PostAsync("/api/v1/certificates/ren-1/renew", null);
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        var body = await JsonAsync(first);
        Assert.Equal("renewal_triggered", body.GetProperty("status").GetString());
        var jobId = body.GetProperty("job_id").GetString()!;

        using var second = await client.PostAsync("/api/v1/certificates/ren-1/renew", null);
        await ProblemJson.ReadAsync(second, HttpStatusCode.Conflict);

        var job = Assert.Single(await Sql.RowsAsync(db, "SELECT id, type, status, max_attempts, requested_by FROM jobs WHERE certificate_id = 'ren-1'"));
        Assert.Equal(jobId, job["id"]);
        Assert.Equal("Renewal", job["type"]);
        Assert.Equal("AwaitingCSR", job["status"]);
        Assert.Equal(4, job["max_attempts"]); // rp-standard: max_retries 3
        Assert.Equal("bob", job["requested_by"]);
        Assert.Equal("RenewalInProgress", await Sql.ScalarAsync<string>(db, "SELECT status FROM managed_certificates WHERE id = 'ren-1'"));
        var audit = Assert.Single(await Sql.RowsAsync(db,
            "SELECT actor, resource_type, details->>'job_id' AS job FROM audit_events WHERE action = 'renewal_triggered' AND resource_id = 'ren-1'"));
        Assert.Equal("bob", audit["actor"]);
        Assert.Equal("certificate", audit["resource_type"]);
        Assert.Equal(jobId, audit["job"]);
    }

    [Fact]
    public async Task Concurrent_renews_create_one_job()
    {
        var db = database.ConnectionString;
        await InsertAsync(db, "ren-race", expiresAt: Expiry);
        await using var gateway = await StartAsync(db, output);
        using var client = gateway.Client(GatewayHost.BobKey);

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.PostAsync("/api/v1/certificates/ren-race/renew", null)));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Accepted));
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Accepted), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        Assert.Equal(1L, await Sql.ScalarAsync<long>(db, "SELECT count(*) FROM jobs WHERE certificate_id = 'ren-race'"));
    }

    [Fact]
    public async Task An_approval_profile_parks_the_job_awaiting_approval_with_a_request_by_the_actor()
    {
        var db = database.ConnectionString;
        await InsertAsync(db, "ren-gated", expiresAt: Expiry, profile: "prof-high-security");
        await using var gateway = await StartAsync(db, output);

        using var response = await gateway.Client(GatewayHost.BobKey).PostAsync("/api/v1/certificates/ren-gated/renew", null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var jobId = (await JsonAsync(response)).GetProperty("job_id").GetString();
        Assert.Equal("AwaitingApproval", await Sql.ScalarAsync<string>(db, "SELECT status FROM jobs WHERE id = $1", jobId));
        var request = Assert.Single(await Sql.RowsAsync(db,
            "SELECT requested_by, state, profile_id, metadata->>'common_name' AS cn FROM issuance_approval_requests WHERE job_id = $1", jobId));
        Assert.Equal("bob", request["requested_by"]);
        Assert.Equal("pending", request["state"]);
        Assert.Equal("prof-high-security", request["profile_id"]);
        Assert.Equal("ren-gated.example.com", request["cn"]);
    }

    [Theory]
    [InlineData("agent", true, "Renewal", "AwaitingCSR", "RenewalInProgress")]
    [InlineData("server", true, "Renewal", "Pending", "RenewalInProgress")]
    [InlineData("server", false, "Issuance", "Pending", "Pending")]
    [InlineData("agent", false, "Issuance", "AwaitingCSR", "Pending")]
    public async Task The_job_type_and_status_follow_the_expiry_and_keygen_mode(string keygen, bool issued, string type, string status, string certificateStatus)
    {
        var db = database.ConnectionString;
        var id = $"ren-{keygen}-{issued}".ToLowerInvariant();
        await InsertAsync(db, id, status: issued ? "Active" : "Pending", expiresAt: issued ? Expiry : null, keygen: keygen);
        await using var gateway = await StartAsync(db, output);

        using var response = await gateway.Client(GatewayHost.BobKey).PostAsync($"/api/v1/certificates/{id}/renew", null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var job = Assert.Single(await Sql.RowsAsync(db, "SELECT type, status FROM jobs WHERE certificate_id = $1", id));
        Assert.Equal(type, job["type"]);
        Assert.Equal(status, job["status"]);
        Assert.Equal(certificateStatus, await Sql.ScalarAsync<string>(db, "SELECT status FROM managed_certificates WHERE id = $1", id));
    }

    [Theory]
    [InlineData("Archived")]
    [InlineData("Expired")]
    [InlineData("Revoked")]
    public async Task Renew_refuses_finished_certificates(string status)
    {
        var db = database.ConnectionString;
        var id = $"ren-no-{status}".ToLowerInvariant();
        await InsertAsync(db, id, status: status, expiresAt: Expiry);
        await using var gateway = await StartAsync(db, output);

        using var response = await gateway.Client(GatewayHost.BobKey).PostAsync($"/api/v1/certificates/{id}/renew", null);

        await ProblemJson.ReadAsync(response, HttpStatusCode.Conflict);
        Assert.Equal(0L, await Sql.ScalarAsync<long>(db, "SELECT count(*) FROM jobs WHERE certificate_id = $1", id));
        using var missing = await gateway.Client(GatewayHost.BobKey).PostAsync("/api/v1/certificates/ren-nope/renew", null);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Revoke_writes_the_revocation_and_audit_rows_and_a_second_revoke_is_409()
    {
        var db = database.ConnectionString;
        await InsertAsync(db, "rev-1", expiresAt: Expiry);
        await AddVersionAsync(db, "rev-1", "abc1", DateTime.UtcNow.AddDays(-10));
        await AddVersionAsync(db, "rev-1", "abc2", DateTime.UtcNow.AddDays(-1));
        await using var gateway = await StartAsync(db, output);
        using var client = gateway.Client(GatewayHost.BobKey);

        using var response = await client.PostAsJsonAsync("/api/v1/certificates/rev-1/revoke", new { reason = "keyCompromise" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("revoked", (await JsonAsync(response)).GetProperty("status").GetString());
        var certificate = Assert.Single(await Sql.RowsAsync(db, "SELECT status, revocation_reason, revoked_at FROM managed_certificates WHERE id = 'rev-1'"));
        Assert.Equal("Revoked", certificate["status"]);
        Assert.Equal("keyCompromise", certificate["revocation_reason"]);
        Assert.NotNull(certificate["revoked_at"]);
        var revocation = Assert.Single(await Sql.RowsAsync(db, "SELECT serial_number, reason, revoked_by, issuer_id FROM certificate_revocations WHERE certificate_id = 'rev-1'"));
        Assert.Equal("abc2", revocation["serial_number"]);
        Assert.Equal("keyCompromise", revocation["reason"]);
        Assert.Equal("bob", revocation["revoked_by"]);
        Assert.Equal("iss-local", revocation["issuer_id"]);
        var audit = Assert.Single(await Sql.RowsAsync(db, "SELECT actor, details->>'serial' AS serial FROM audit_events WHERE action = 'certificate_revoked' AND resource_id = 'rev-1'"));
        Assert.Equal("bob", audit["actor"]);
        Assert.Equal("abc2", audit["serial"]);

        using var again = await client.PostAsJsonAsync("/api/v1/certificates/rev-1/revoke", new { reason = "superseded" });
        await ProblemJson.ReadAsync(again, HttpStatusCode.Conflict);
        Assert.Equal(1L, await Sql.ScalarAsync<long>(db, "SELECT count(*) FROM certificate_revocations WHERE certificate_id = 'rev-1'"));
    }

    [Fact]
    public async Task Revoke_defaults_to_unspecified_refuses_bad_reasons_and_needs_an_issued_version()
    {
        var db = database.ConnectionString;
        await InsertAsync(db, "rev-2", expiresAt: Expiry);
        await AddVersionAsync(db, "rev-2", "beef", DateTime.UtcNow.AddDays(-1));
        await InsertAsync(db, "rev-unissued", status: "Pending");
        await using var gateway = await StartAsync(db, output);
        using var client = gateway.Client(GatewayHost.BobKey);

        using var bad = await client.PostAsJsonAsync("/api/v1/certificates/rev-2/revoke", new { reason = "removeFromCRL" });
        var problem = await ProblemJson.ReadAsync(bad, HttpStatusCode.BadRequest);
        Assert.True(problem.Errors.TryGetProperty("reason", out _));
        Assert.Equal("Active", await Sql.ScalarAsync<string>(db, "SELECT status FROM managed_certificates WHERE id = 'rev-2'"));

        using var unissued = await client.PostAsJsonAsync("/api/v1/certificates/rev-unissued/revoke", new { });
        await ProblemJson.ReadAsync(unissued, HttpStatusCode.Conflict);

        // No body at all also means unspecified.
        using var ok = await client.PostAsync("/api/v1/certificates/rev-2/revoke", null);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("unspecified", await Sql.ScalarAsync<string>(db, "SELECT reason FROM certificate_revocations WHERE certificate_id = 'rev-2'"));

        using var missing = await client.PostAsJsonAsync("/api/v1/certificates/rev-nope/revoke", new { });
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Actions_without_a_key_are_401()
    {
        await using var gateway = await StartAsync(database.ConnectionString, output);
        using var response = await gateway.Client().PostAsync("/api/v1/certificates/mc-api-prod/renew", null);
        await ProblemJson.ReadAsync(response, HttpStatusCode.Unauthorized);
    }
}
