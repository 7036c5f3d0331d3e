using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Certctl.Gateway.Tests.Certificates.CertificateTestData;

namespace Certctl.Gateway.Tests.Certificates;

/// <summary>Create, get, update, archive, versions and target mappings of certificates.</summary>
public sealed class CertificateCrudTests(MigratedDatabaseFixture<CertificateCrudTests> database, ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<CertificateCrudTests>>
{
    [Fact]
    public async Task Create_stores_the_certificate_as_pending_with_its_targets_and_answers_201_with_a_location()
    {
        await using var gateway = await StartAsync(database.ConnectionString, output);
        using var client = gateway.Client(GatewayHost.BobKey);

        using var response = await client.PostAsJsonAsync("/api/v1/certificates",
            NewCertificate("crud-create", new { sans = new[] { "a.example.com" }, tags = new { service = "x" }, target_ids = new[] { "tgt-nginx-prod", "tgt-k8s-prod" } }));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await JsonAsync(response);
        var id = created.GetProperty("id").GetString()!;
        Assert.StartsWith("mc-", id);
        Assert.Equal($"/api/v1/certificates/{id}", response.Headers.Location!.ToString());
        Assert.Equal("Pending", created.GetProperty("status").GetString());
        Assert.Equal("x", created.GetProperty("tags").GetProperty("service").GetString());
        var fetched = await JsonAsync(await client.GetAsync($"/api/v1/certificates/{id}"));
        Assert.Equal(["tgt-k8s-prod", "tgt-nginx-prod"], fetched.GetProperty("target_ids").EnumerateArray().Select(t => t.GetString()!).ToArray());
        Assert.Equal(2L, await Sql.ScalarAsync<long>(database.ConnectionString, "SELECT count(*) FROM certificate_target_mappings WHERE certificate_id = $1", id));
    }

    [Fact]
    public async Task Create_validation_failures_are_400_with_field_errors()
    {
        await using var gateway = await StartAsync(database.ConnectionString, output);
        using var response = await gateway.Client(GatewayHost.BobKey).PostAsJsonAsync("/api/v1/certificates",
            new { name = "", common_name = "bad..example.com", team_id = "t-platform", issuer_id = "iss-local", renewal_policy_id = "rp-standard", keygen_mode = "cloud" });

        var problem = await ProblemJson.ReadAsync(response, HttpStatusCode.BadRequest);
        foreach (var field in new[] { "name", "common_name", "owner_id", "keygen_mode" })
        {
            Assert.True(problem.Errors.TryGetProperty(field, out _), $"{field} missing in {problem.Body}");
        }
    }

    [Theory]
    [InlineData("-lead.example.com")]
    [InlineData("white space.example.com")]
    [InlineData("not-an-address@")]
    public async Task Bad_common_names_are_refused(string commonName)
    {
        await using var gateway = await StartAsync(database.ConnectionString, output);
        using var response = await gateway.Client(GatewayHost.BobKey).PostAsJsonAsync("/api/v1/certificates",
            NewCertificate("cn-bad", new { common_name = commonName }));

        var problem = await ProblemJson.ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.Errors.TryGetProperty("common_name", out _));
    }

    [Fact]
    public async Task Unknown_references_are_422_and_a_taken_name_is_409()
    {
        await using var gateway = await StartAsync(database.ConnectionString, output);
        using var client = gateway.Client(GatewayHost.BobKey);

        using var unknownOwner = await client.PostAsJsonAsync("/api/v1/certificates", NewCertificate("ref-owner", new { owner_id = "o-nobody" }));
        await ProblemJson.ReadAsync(unknownOwner, HttpStatusCode.UnprocessableEntity);
        using var unknownTarget = await client.PostAsJsonAsync("/api/v1/certificates", NewCertificate("ref-target", new { target_ids = new[] { "tgt-nowhere" } }));
        await ProblemJson.ReadAsync(unknownTarget, HttpStatusCode.UnprocessableEntity);
        // The failed target insert took the certificate row with it.
        Assert.Equal(0L, await Sql.ScalarAsync<long>(database.ConnectionString, "SELECT count(*) FROM managed_certificates WHERE name = 'ref-target'"));
        using var duplicate = await client.PostAsJsonAsync("/api/v1/certificates", NewCertificate("api-prod"));
        await ProblemJson.ReadAsync(duplicate, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Get_of_an_unknown_certificate_is_404()
    {
        await using var gateway = await StartAsync(database.ConnectionString, output);
        using var response = await gateway.Client(GatewayHost.BobKey).GetAsync("/api/v1/certificates/mc-nope");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Put_updates_fields_and_replaces_targets_but_cannot_change_the_status()
    {
        var db = database.ConnectionString;
        await InsertAsync(db, "put-1", status: "Active");
        await Sql.ExecuteAsync(db, "INSERT INTO certificate_target_mappings (certificate_id, target_id) VALUES ('put-1', 'tgt-nginx-prod')");
        await using var gateway = await StartAsync(db, output);
        using var client = gateway.Client(GatewayHost.BobKey);

        using var statusChange = await client.PutAsJsonAsync("/api/v1/certificates/put-1", new { status = "Revoked", environment = "staging" });
        var problem = await ProblemJson.ReadAsync(statusChange, HttpStatusCode.BadRequest);
        Assert.True(problem.Errors.TryGetProperty("status", out _));
        Assert.Equal("Active", await Sql.ScalarAsync<string>(db, "SELECT status FROM managed_certificates WHERE id = 'put-1'"));

        using var update = await client.PutAsJsonAsync("/api/v1/certificates/put-1",
            new { environment = "staging", owner_id = "o-bob", target_ids = new[] { "tgt-k8s-prod" } });
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        var body = await JsonAsync(update);
        Assert.Equal("staging", body.GetProperty("environment").GetString());
        Assert.Equal("o-bob", body.GetProperty("owner_id").GetString());
        Assert.Equal("Active", body.GetProperty("status").GetString());
        Assert.Equal("put-1.example.com", body.GetProperty("common_name").GetString());
        Assert.Equal(["tgt-k8s-prod"], body.GetProperty("target_ids").EnumerateArray().Select(t => t.GetString()!).ToArray());

        using var missing = await client.PutAsJsonAsync("/api/v1/certificates/put-nope", new { environment = "x" });
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Put_targets_replaces_the_mappings_and_changes_the_list_tag()
    {
        var db = database.ConnectionString;
        await InsertAsync(db, "tgt-1");
        await using var gateway = await StartAsync(db, output);
        using var client = gateway.Client(GatewayHost.BobKey);
        var tag = (await client.GetAsync("/api/v1/certificates?name_prefix=tgt-1")).Headers.ETag!.Tag;

        using var set = await client.PutAsJsonAsync("/api/v1/certificates/tgt-1/targets", new { target_ids = new[] { "tgt-iis-prod", "tgt-nginx-prod" } });
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        using var clear = await client.PutAsJsonAsync("/api/v1/certificates/tgt-1/targets", new { target_ids = new[] { "tgt-iis-prod" } });
        Assert.Equal(["tgt-iis-prod"], (await JsonAsync(clear)).GetProperty("target_ids").EnumerateArray().Select(t => t.GetString()!).ToArray());
        Assert.NotEqual(tag, (await client.GetAsync("/api/v1/certificates?name_prefix=tgt-1")).Headers.ETag!.Tag);
        using var unknown = await client.PutAsJsonAsync("/api/v1/certificates/tgt-nope/targets", new { target_ids = Array.Empty<string>() });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Delete_archives_once_and_a_second_archive_is_409()
    {
        var db = database.ConnectionString;
        await InsertAsync(db, "arch-1");
        await using var gateway = await StartAsync(db, output);
        using var client = gateway.Client(GatewayHost.BobKey);

        using var first = await client.DeleteAsync("/api/v1/certificates/arch-1");
        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Equal("Archived", await Sql.ScalarAsync<string>(db, "SELECT status FROM managed_certificates WHERE id = 'arch-1'"));
        using var second = await client.DeleteAsync("/api/v1/certificates/arch-1");
        await ProblemJson.ReadAsync(second, HttpStatusCode.Conflict);
        using var missing = await client.DeleteAsync("/api/v1/certificates/arch-nope");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Versions_are_listed_newest_first_in_pages_and_an_unknown_certificate_is_404()
    {
        var db = database.ConnectionString;
        await InsertAsync(db, "ver-1");
        var at = new DateTime(2026, 2, 1, 0, 0, 0, DateTimeKind.Utc);
        await AddVersionAsync(db, "ver-1", "a1", at);
        await AddVersionAsync(db, "ver-1", "a2", at.AddDays(1));
        await AddVersionAsync(db, "ver-1", "a3", at.AddDays(2));
        await using var gateway = await StartAsync(db, output);
        using var client = gateway.Client(GatewayHost.BobKey);

        var first = await JsonAsync(await client.GetAsync("/api/v1/certificates/ver-1/versions?limit=2"));
        var next = first.GetProperty("next_cursor").GetString()!;
        var second = await JsonAsync(await client.GetAsync($"/api/v1/certificates/ver-1/versions?limit=2&cursor={Uri.EscapeDataString(next)}"));
        Assert.Equal(["a3", "a2", "a1"], first.GetProperty("data").EnumerateArray().Concat(second.GetProperty("data").EnumerateArray())
            .Select(v => v.GetProperty("serial_number").GetString()!));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next_cursor").ValueKind);

        using var unknown = await client.GetAsync("/api/v1/certificates/ver-nope/versions");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
