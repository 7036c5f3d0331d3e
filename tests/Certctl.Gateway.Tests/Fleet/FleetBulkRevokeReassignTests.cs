using System.Net;
using Certctl.Gateway.Tests.Certificates;
using static Certctl.Gateway.Tests.Fleet.FleetHost;

namespace Certctl.Gateway.Tests.Fleet;

/// <summary>bulk-revoke (admin only, reason required) and bulk-reassign (owner and team checked), each one audit row.</summary>
public sealed class FleetBulkRevokeReassignTests(MigratedDatabaseFixture<FleetBulkRevokeReassignTests> database, ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<FleetBulkRevokeReassignTests>>
{
    private const string Revoke = "/api/v1/certificates/bulk-revoke";
    private const string Reassign = "/api/v1/certificates/bulk-reassign";

    [Fact]
    public async Task Bulk_revoke_is_admin_only_and_needs_a_reason()
    {
        await using var gateway = await StartAsync(database.ConnectionString, output);

        await PostProblemAsync(gateway.Client(GatewayHost.BobKey), Revoke, new { reason = "keyCompromise", certificate_ids = new[] { "mc-api-prod" } }, HttpStatusCode.Forbidden);
        var missing = await PostProblemAsync(gateway.Client(GatewayHost.AliceKey), Revoke, new { certificate_ids = new[] { "mc-api-prod" } }, HttpStatusCode.BadRequest);
        Assert.True(missing.Errors.TryGetProperty("reason", out _));
        await PostProblemAsync(gateway.Client(GatewayHost.AliceKey), Revoke, new { reason = "because", certificate_ids = new[] { "mc-api-prod" } }, HttpStatusCode.BadRequest);
        Assert.Equal("Active", await Sql.ScalarAsync<string>(database.ConnectionString, "SELECT status FROM managed_certificates WHERE id = 'mc-api-prod'"));
    }

    [Fact]
    public async Task Bulk_revoke_revokes_issued_certificates_and_counts_the_rest()
    {
        var db = database.ConnectionString;
        var expiry = DateTime.UtcNow.AddDays(20);
        await CertificateTestData.InsertAsync(db, "brv-1", expiresAt: expiry);
        await CertificateTestData.AddVersionAsync(db, "brv-1", "a1", DateTime.UtcNow.AddDays(-2));
        await CertificateTestData.AddVersionAsync(db, "brv-1", "a2", DateTime.UtcNow.AddDays(-1));
        await CertificateTestData.InsertAsync(db, "brv-2", expiresAt: expiry);
        await CertificateTestData.AddVersionAsync(db, "brv-2", "b1", DateTime.UtcNow.AddDays(-1));
        await CertificateTestData.InsertAsync(db, "brv-unissued", expiresAt: expiry);
        await CertificateTestData.InsertAsync(db, "brv-done", status: "Revoked", expiresAt: expiry);
        await using var gateway = await StartAsync(db, output);

        var result = await PostAsync(gateway.Client(GatewayHost.AliceKey), Revoke,
            new { reason = "superseded", filter = new { name_prefix = "brv-" }, certificate_ids = new[] { "brv-1", "brv-2", "brv-unissued", "brv-done", "brv-nope" } },
            HttpStatusCode.OK);

        Assert.Equal(4, result.GetProperty("matched").GetInt32());
        Assert.Equal(2, result.GetProperty("revoked").GetInt32());
        Assert.Equal(new Dictionary<string, int> { ["no issued version"] = 1, ["not found"] = 1, ["status Revoked"] = 1 }, Skipped(result));
        var rows = await Sql.RowsAsync(db, "SELECT certificate_id, serial_number, reason, revoked_by FROM certificate_revocations WHERE certificate_id LIKE 'brv-%' ORDER BY certificate_id");
        Assert.Equal(["brv-1:a2", "brv-2:b1"], rows.Select(row => $"{row["certificate_id"]}:{row["serial_number"]}"));
        Assert.All(rows, row => Assert.Equal(("superseded", "alice"), ((string)row["reason"]!, (string)row["revoked_by"]!)));
        Assert.Equal(2L, await Sql.ScalarAsync<long>(db,
            "SELECT count(*) FROM managed_certificates WHERE id IN ('brv-1', 'brv-2') AND status = 'Revoked' AND revocation_reason = 'superseded' AND revoked_at IS NOT NULL"));
        var audit = Assert.Single(await Sql.RowsAsync(db,
            "SELECT actor, resource_id, (details->>'revoked')::int AS revoked FROM audit_events WHERE action = 'bulk_revocation_initiated'"));
        Assert.Equal(("alice", "bulk", 2), ((string)audit["actor"]!, (string)audit["resource_id"]!, (int)audit["revoked"]!));
    }

    [Fact]
    public async Task Bulk_reassign_refuses_unknown_owner_or_team_with_422()
    {
        await using var gateway = await StartAsync(database.ConnectionString, output);
        using var client = gateway.Client();

        await PostProblemAsync(client, Reassign, new { certificate_ids = new[] { "mc-api-prod" }, owner_id = "o-nobody" }, HttpStatusCode.UnprocessableEntity);
        await PostProblemAsync(client, Reassign, new { certificate_ids = new[] { "mc-api-prod" }, owner_id = "o-bob", team_id = "t-nowhere" }, HttpStatusCode.UnprocessableEntity);
        var invalid = await PostProblemAsync(client, Reassign, new { owner_id = "o-bob" }, HttpStatusCode.BadRequest);
        Assert.True(invalid.Errors.TryGetProperty("certificate_ids", out _));
        Assert.Equal("o-alice", await Sql.ScalarAsync<string>(database.ConnectionString, "SELECT owner_id FROM managed_certificates WHERE id = 'mc-api-prod'"));
    }

    [Fact]
    public async Task Bulk_reassign_moves_changed_certificates_and_counts_unchanged_and_unknown()
    {
        var db = database.ConnectionString;
        await CertificateTestData.InsertAsync(db, "bra-1");
        await CertificateTestData.InsertAsync(db, "bra-2");
        await CertificateTestData.InsertAsync(db, "bra-same", owner: "o-carol", team: "t-payments");
        await using var gateway = await StartAsync(db, output);

        var result = await PostAsync(gateway.Client(), Reassign,
            new { certificate_ids = new[] { "bra-1", "bra-2", "bra-same", "bra-nope" }, owner_id = "o-carol", team_id = "t-payments" }, HttpStatusCode.OK);

        Assert.Equal(3, result.GetProperty("matched").GetInt32());
        Assert.Equal(2, result.GetProperty("reassigned").GetInt32());
        Assert.Equal(new Dictionary<string, int> { ["not found"] = 1, ["unchanged"] = 1 }, Skipped(result));
        Assert.Equal(3L, await Sql.ScalarAsync<long>(db, "SELECT count(*) FROM managed_certificates WHERE id LIKE 'bra-%' AND owner_id = 'o-carol' AND team_id = 't-payments'"));
        Assert.Single(await Sql.RowsAsync(db, "SELECT 1 FROM audit_events WHERE action = 'bulk_reassignment_initiated' AND (details->>'reassigned')::int = 2"));
    }
}
