using System.Net;
using static Certctl.Gateway.Tests.Fleet.FleetHost;
using static Certctl.Gateway.Tests.Inventory.InventoryHttp;

namespace Certctl.Gateway.Tests.Fleet;

/// <summary>Discovered certificates: filtered keyset list with an ETag, claim and dismiss with their conflicts.</summary>
public sealed class FleetDiscoveryTests(MigratedDatabaseFixture<FleetDiscoveryTests> database, ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<FleetDiscoveryTests>>
{
    private const string Path = "/api/v1/discovery/certificates";

    private static Task InsertAsync(string db, string id, string agent = "ag-web-prod", string status = "Unmanaged") =>
        Sql.ExecuteAsync(db,
            """
            INSERT INTO discovered_certificates (id, fingerprint_sha256, common_name, sans, source_path, source_format, agent_id, status, not_after)
            VALUES ($1, 'fp-' || $1, $1 || '.example.com', ARRAY[$1 || '.example.com'], '/etc/ssl/' || $1 || '.pem', 'PEM', $2, $3, now() + interval '30 days')
            """,
            id, agent, status);

    private static async Task<List<string>> WalkAsync(HttpClient client, string path)
    {
        var ids = new List<string>();
        string? cursor = null;
        do
        {
            var page = await SendAsync(client, HttpMethod.Get, $"{path}&limit=1" + (cursor is null ? string.Empty : $"&cursor={Uri.EscapeDataString(cursor)}"), null, HttpStatusCode.OK);
            Assert.True(page.GetProperty("data").GetArrayLength() <= 1);
            ids.AddRange(page.GetProperty("data").EnumerateArray().Select(row => row.GetProperty("id").GetString()!));
            cursor = page.GetProperty("next_cursor").GetString();
        }
        while (cursor is not null);

        return ids;
    }

    [Fact]
    public async Task The_list_filters_pages_and_answers_304_until_the_set_changes()
    {
        var db = database.ConnectionString;
        foreach (var n in Enumerable.Range(1, 5))
        {
            await InsertAsync(db, $"disc-list-{n}", agent: n <= 3 ? "ag-lb-prod" : "ag-k8s-prod");
        }

        await InsertAsync(db, "disc-list-dismissed", agent: "ag-lb-prod", status: "Dismissed");
        await using var gateway = await StartAsync(db, output);
        using var client = gateway.Client();

        var all = await WalkAsync(client, $"{Path}?agent_id=ag-lb-prod");
        Assert.Equal(["disc-list-1", "disc-list-2", "disc-list-3", "disc-list-dismissed"], all.Order());
        Assert.Equal(all.Count, all.Distinct().Count());
        var unmanaged = await SendAsync(client, HttpMethod.Get, $"{Path}?agent_id=ag-lb-prod&status=Unmanaged", null, HttpStatusCode.OK);
        Assert.Equal(3, unmanaged.GetProperty("data").GetArrayLength());
        var first = unmanaged.GetProperty("data")[0];
        Assert.Equal("Unmanaged", first.GetProperty("status").GetString());
        Assert.Equal("PEM", first.GetProperty("source_format").GetString());
        await ProblemAsync(client, HttpMethod.Get, $"{Path}?status=Lost", null, HttpStatusCode.BadRequest);

        using var tagged = await client.GetAsync($"{Path}?agent_id=ag-lb-prod");
        var etag = tagged.Headers.ETag;
        Assert.NotNull(etag);
        using (var again = new HttpRequestMessage(HttpMethod.Get, $"{Path}?agent_id=ag-lb-prod"))
        {
            again.Headers.IfNoneMatch.Add(etag);
            using var notModified = await client.SendAsync(again);
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        }

        await PostAsync(client, $"{Path}/disc-list-1/dismiss", null, HttpStatusCode.OK);
        using var changed = new HttpRequestMessage(HttpMethod.Get, $"{Path}?agent_id=ag-lb-prod");
        changed.Headers.IfNoneMatch.Add(etag);
        using var fresh = await client.SendAsync(changed);
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.NotEqual(etag, fresh.Headers.ETag);
    }

    [Fact]
    public async Task Claim_links_an_existing_certificate_and_refuses_unknown_or_dismissed()
    {
        var db = database.ConnectionString;
        await InsertAsync(db, "disc-claim");
        await InsertAsync(db, "disc-gone", status: "Dismissed");
        await using var gateway = await StartAsync(db, output);
        using var client = gateway.Client();

        await PostProblemAsync(client, $"{Path}/disc-claim/claim", new { certificate_id = "mc-nope" }, HttpStatusCode.UnprocessableEntity);
        await PostProblemAsync(client, $"{Path}/disc-claim/claim", new { }, HttpStatusCode.BadRequest);
        await PostProblemAsync(client, $"{Path}/disc-missing/claim", new { certificate_id = "mc-api-prod" }, HttpStatusCode.NotFound);
        await PostProblemAsync(client, $"{Path}/disc-gone/claim", new { certificate_id = "mc-api-prod" }, HttpStatusCode.Conflict);

        var claimed = await PostAsync(client, $"{Path}/disc-claim/claim", new { certificate_id = "mc-api-prod" }, HttpStatusCode.OK);

        Assert.Equal("Managed", claimed.GetProperty("status").GetString());
        Assert.Equal("mc-api-prod", claimed.GetProperty("managed_certificate_id").GetString());
        await PostAsync(client, $"{Path}/disc-claim/claim", new { managed_certificate_id = "mc-api-prod" }, HttpStatusCode.OK);
        await PostProblemAsync(client, $"{Path}/disc-claim/claim", new { certificate_id = "mc-web-prod" }, HttpStatusCode.Conflict);
        await PostProblemAsync(client, $"{Path}/disc-claim/dismiss", null, HttpStatusCode.Conflict);
        Assert.Equal("mc-api-prod", await Sql.ScalarAsync<string>(db, "SELECT managed_certificate_id FROM discovered_certificates WHERE id = 'disc-claim'"));
        Assert.Equal(2L, await Sql.ScalarAsync<long>(db,
            "SELECT count(*) FROM audit_events WHERE action = 'discovery_cert_claimed' AND resource_type = 'discovered_certificate' AND resource_id = 'disc-claim' AND actor = 'bob'"));
    }

    [Fact]
    public async Task Dismiss_sets_dismissed_once_and_needs_a_key()
    {
        var db = database.ConnectionString;
        await InsertAsync(db, "disc-dismiss");
        await using var gateway = await StartAsync(db, output);
        using var client = gateway.Client();

        var dismissed = await PostAsync(client, $"{Path}/disc-dismiss/dismiss", null, HttpStatusCode.OK);
        var at = dismissed.GetProperty("dismissed_at").GetDateTimeOffset();
        var again = await PostAsync(client, $"{Path}/disc-dismiss/dismiss", null, HttpStatusCode.OK);

        Assert.Equal("Dismissed", again.GetProperty("status").GetString());
        Assert.Equal(at, again.GetProperty("dismissed_at").GetDateTimeOffset());
        await PostProblemAsync(client, $"{Path}/disc-missing/dismiss", null, HttpStatusCode.NotFound);
        using var anonymous = gateway.Client(key: null);
        await PostProblemAsync(anonymous, $"{Path}/disc-dismiss/dismiss", null, HttpStatusCode.Unauthorized);
        using var list = await anonymous.GetAsync(Path);
        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
    }
}
