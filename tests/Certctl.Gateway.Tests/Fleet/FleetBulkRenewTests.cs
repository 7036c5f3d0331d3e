using System.Net;
using System.Net.Http.Json;
using Certctl.Gateway.Tests.Certificates;
using static Certctl.Gateway.Tests.Fleet.FleetHost;

namespace Certctl.Gateway.Tests.Fleet;

/// <summary>bulk-renew: set-based, no row cap, idempotent through the partial unique index, approval gate, counts and one audit row.</summary>
public sealed class FleetBulkRenewTests(MigratedDatabaseFixture<FleetBulkRenewTests> database, ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<FleetBulkRenewTests>>
{
    private const string Path = "/api/v1/certificates/bulk-renew";

    [Fact]
    public async Task A_filter_over_600_certificates_creates_one_job_each_and_a_repeat_creates_none()
    {
        var db = database.ConnectionString;
        await InsertManyAsync(db, "bulk600-", 600);
        await CertificateTestData.InsertAsync(db, "bulk600-archived", status: "Archived", expiresAt: DateTime.UtcNow.AddDays(20));
        await CertificateTestData.InsertAsync(db, "bulk600-revoked", status: "Revoked", expiresAt: DateTime.UtcNow.AddDays(20));
        await CertificateTestData.InsertAsync(db, "bulk600-expired", status: "Expired", expiresAt: DateTime.UtcNow.AddDays(-1));
        await using var gateway = await StartAsync(db, output);
        using var client = gateway.Client();

        var first = await PostAsync(client, Path, new { filter = new { name_prefix = "bulk600-" } }, HttpStatusCode.OK);

        Assert.Equal(603, first.GetProperty("matched").GetInt32());
        Assert.Equal(600, first.GetProperty("created").GetInt32());
        Assert.Equal(0, first.GetProperty("failed").GetInt32());
        Assert.Equal(new Dictionary<string, int> { ["status Archived"] = 1, ["status Expired"] = 1, ["status Revoked"] = 1 }, Skipped(first));
        Assert.Equal(600, first.GetProperty("job_ids").GetArrayLength());
        Assert.False(first.GetProperty("job_ids_truncated").GetBoolean());
        Assert.Equal(600L, await Sql.ScalarAsync<long>(db,
            "SELECT count(DISTINCT certificate_id) FROM jobs WHERE certificate_id LIKE 'bulk600-%' AND type = 'Renewal' AND status = 'AwaitingCSR' AND requested_by = 'bob' AND max_attempts = 4"));
        Assert.Equal(600L, await Sql.ScalarAsync<long>(db, "SELECT count(*) FROM jobs WHERE certificate_id LIKE 'bulk600-%'"));
        Assert.Equal(600L, await Sql.ScalarAsync<long>(db, "SELECT count(*) FROM managed_certificates WHERE id LIKE 'bulk600-%' AND status = 'RenewalInProgress'"));

        var repeat = await PostAsync(client, Path, new { filter = new { name_prefix = "bulk600-" } }, HttpStatusCode.OK);

        Assert.Equal(603, repeat.GetProperty("matched").GetInt32());
        Assert.Equal(0, repeat.GetProperty("created").GetInt32());
        Assert.Equal(600, Skipped(repeat)["renewal already active"]);
        Assert.Equal(600L, await Sql.ScalarAsync<long>(db, "SELECT count(*) FROM jobs WHERE certificate_id LIKE 'bulk600-%'"));

        var audits = await Sql.RowsAsync(db,
            """
            SELECT actor, resource_type, resource_id, (details->>'created')::int AS created, (details->>'matched')::int AS matched,
                   details->'criteria'->'filter'->>'name_prefix' AS prefix
            FROM audit_events WHERE action = 'bulk_renewal_initiated' AND details->'criteria'->'filter'->>'name_prefix' = 'bulk600-' ORDER BY id
            """);
        Assert.Equal(2, audits.Count); // one row per call, not one per certificate
        Assert.Equal(("bob", "certificate", "bulk", 600, 603), ((string)audits[0]["actor"]!, (string)audits[0]["resource_type"]!, (string)audits[0]["resource_id"]!, (int)audits[0]["created"]!, (int)audits[0]["matched"]!));
        Assert.Equal(0, audits[1]["created"]);
    }

    [Fact]
    public async Task Ids_choose_job_status_by_approval_and_keygen_and_unknown_ids_are_counted()
    {
        var db = database.ConnectionString;
        var expiry = DateTime.UtcNow.AddDays(20);
        await CertificateTestData.InsertAsync(db, "bids-gated", expiresAt: expiry, profile: "prof-high-security");
        await CertificateTestData.InsertAsync(db, "bids-server", expiresAt: expiry, keygen: "server");
        await CertificateTestData.InsertAsync(db, "bids-new", status: "Pending", expiresAt: null);
        await CertificateTestData.InsertAsync(db, "bids-team", expiresAt: expiry, team: "t-security", owner: "o-bob");
        await using var gateway = await StartAsync(db, output);

        var result = await PostAsync(gateway.Client(), Path, new
        {
            certificate_ids = new[] { "bids-gated", "bids-server", "bids-new", "bids-team", "bids-missing", "bids-gated" },
            filter = new { team_id = "t-platform" },
        }, HttpStatusCode.OK);

        Assert.Equal(3, result.GetProperty("matched").GetInt32());
        Assert.Equal(3, result.GetProperty("created").GetInt32());
        Assert.Equal(new Dictionary<string, int> { ["does not match filter"] = 1, ["not found"] = 1 }, Skipped(result));
        var jobs = (await Sql.RowsAsync(db, "SELECT certificate_id, type, status FROM jobs WHERE certificate_id LIKE 'bids-%'"))
            .ToDictionary(row => (string)row["certificate_id"]!, row => ((string)row["type"]!, (string)row["status"]!));
        Assert.Equal(("Renewal", "AwaitingApproval"), jobs["bids-gated"]);
        Assert.Equal(("Renewal", "Pending"), jobs["bids-server"]);
        Assert.Equal(("Issuance", "AwaitingCSR"), jobs["bids-new"]);
        Assert.Equal(3, jobs.Count);
        var request = Assert.Single(await Sql.RowsAsync(db,
            "SELECT r.requested_by, r.state, r.profile_id, r.metadata->>'common_name' AS cn FROM issuance_approval_requests r JOIN jobs j ON j.id = r.job_id WHERE j.certificate_id LIKE 'bids-%'"));
        Assert.Equal("bob", request["requested_by"]);
        Assert.Equal("pending", request["state"]);
        Assert.Equal("prof-high-security", request["profile_id"]);
        Assert.Equal("bids-gated.example.com", request["cn"]);
        Assert.Equal("Pending", await Sql.ScalarAsync<string>(db, "SELECT status FROM managed_certificates WHERE id = 'bids-new'"));
    }

    [Fact]
    public async Task More_than_a_thousand_jobs_are_all_created_but_only_a_thousand_ids_listed()
    {
        var db = database.ConnectionString;
        await InsertManyAsync(db, "bulk1200-", 1200, status: "Expiring");
        await using var gateway = await StartAsync(db, output);

        var result = await PostAsync(gateway.Client(), Path, new { filter = new { name_prefix = "bulk1200-", status = "Expiring" } }, HttpStatusCode.OK);

        Assert.Equal(1200, result.GetProperty("created").GetInt32());
        Assert.Equal(1000, result.GetProperty("job_ids").GetArrayLength());
        Assert.True(result.GetProperty("job_ids_truncated").GetBoolean());
        Assert.Equal(1200L, await Sql.ScalarAsync<long>(db, "SELECT count(*) FROM jobs WHERE certificate_id LIKE 'bulk1200-%'"));
    }

    [Fact]
    public async Task Criteria_are_required_and_validated_and_the_key_is_required()
    {
        await using var gateway = await StartAsync(database.ConnectionString, output);
        using var client = gateway.Client();

        var none = await PostProblemAsync(client, Path, new { }, HttpStatusCode.BadRequest);
        Assert.True(none.Errors.TryGetProperty("certificate_ids", out _));
        await PostProblemAsync(client, Path, new { filter = new { } }, HttpStatusCode.BadRequest);
        await PostProblemAsync(client, Path, new { certificate_ids = Array.Empty<string>() }, HttpStatusCode.BadRequest);
        var status = await PostProblemAsync(client, Path, new { filter = new { status = "Bogus" } }, HttpStatusCode.BadRequest);
        Assert.True(status.Errors.TryGetProperty("filter.status", out _));

        // The literal bulk segments sit beside /certificates/{id} without taking its requests.
        using (var single = await client.GetAsync("/api/v1/certificates/mc-api-prod"))
        {
            Assert.Equal(HttpStatusCode.OK, single.StatusCode);
        }

        using var anonymous = gateway.Client(key: null);
        using var response = await anonymous.PostAsJsonAsync(Path, new { filter = new { name_prefix = "x" } });
        await ProblemJson.ReadAsync(response, HttpStatusCode.Unauthorized);
    }
}
