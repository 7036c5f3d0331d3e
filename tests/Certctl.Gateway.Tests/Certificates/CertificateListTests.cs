using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Certctl.Gateway.Tests.Certificates.CertificateTestData;

namespace Certctl.Gateway.Tests.Certificates;

/// <summary>GET /api/v1/certificates: filters, keyset pages, expiry sort, ETag and auth on a real database.</summary>
public sealed class CertificateListTests(MigratedDatabaseFixture<CertificateListTests> database, ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<CertificateListTests>>
{
    private static readonly DateTime Epoch = new(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task Each_filter_narrows_to_the_matching_rows()
    {
        var db = database.ConnectionString;
        await InsertAsync(db, "flt-a", status: "Active", expiresAt: Epoch.AddDays(10));
        await InsertAsync(db, "flt-b", status: "Expiring", expiresAt: Epoch.AddDays(20), owner: "o-bob", team: "t-security");
        await InsertAsync(db, "flt-c", status: "Pending", profile: "prof-high-security");
        await InsertAsync(db, "flt-d", status: "Active", expiresAt: Epoch.AddDays(30), issuer: "iss-acme-le");
        await InsertAsync(db, "fltx-e", status: "Active", expiresAt: Epoch.AddDays(15));
        await using var gateway = await StartAsync(db, output);
        using var client = gateway.Client(GatewayHost.BobKey);

        async Task<string[]> Query(string filter) =>
            Ids(await JsonAsync(await client.GetAsync($"/api/v1/certificates?name_prefix=flt-&{filter}"))).Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(["flt-a", "flt-b", "flt-c", "flt-d"], await Query(""));
        Assert.Equal(["flt-a", "flt-d"], await Query("status=Active"));
        Assert.Equal(["flt-d"], await Query("issuer_id=iss-acme-le"));
        Assert.Equal(["flt-b"], await Query("owner_id=o-bob"));
        Assert.Equal(["flt-b"], await Query("team_id=t-security"));
        Assert.Equal(["flt-c"], await Query("profile_id=prof-high-security"));
        Assert.Equal(["flt-a", "flt-b"], await Query($"expires_before={Epoch.AddDays(25):O}"));
        Assert.Equal(["flt-b", "flt-d"], await Query($"expires_after={Epoch.AddDays(10):O}"));
        Assert.Equal(["flt-a", "flt-b", "flt-c", "flt-d", "fltx-e"],
            Ids(await JsonAsync(await client.GetAsync("/api/v1/certificates?name_prefix=flt"))).Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public async Task Rows_carry_their_target_ids()
    {
        await using var gateway = await StartAsync(database.ConnectionString, output);
        var page = await JsonAsync(await gateway.Client(GatewayHost.BobKey).GetAsync("/api/v1/certificates?name_prefix=api-prod"));

        var row = Assert.Single(page.GetProperty("data").EnumerateArray());
        Assert.Equal(["tgt-haproxy-prod", "tgt-nginx-prod"], row.GetProperty("target_ids").EnumerateArray().Select(t => t.GetString()!).ToArray());
    }

    [Fact]
    public async Task Walking_all_pages_returns_every_row_once_and_rows_created_during_the_walk_appear()
    {
        var db = database.ConnectionString;
        for (var i = 0; i < 120; i++)
        {
            // Pairs share a timestamp, so the id breaks ties.
            await InsertAsync(db, $"walk-{i:D3}", createdAt: Epoch.AddSeconds(i / 2));
        }

        await using var gateway = await StartAsync(db, output);
        using var client = gateway.Client(GatewayHost.BobKey);
        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await JsonAsync(await client.GetAsync($"/api/v1/certificates?name_prefix=walk-&limit=7&cursor={Uri.EscapeDataString(cursor ?? "")}"));
            seen.AddRange(Ids(page));
            cursor = page.GetProperty("next_cursor").GetString();
            if (++pages == 3)
            {
                await InsertAsync(db, "walk-late-1", createdAt: DateTime.UtcNow);
                await InsertAsync(db, "walk-late-2", createdAt: DateTime.UtcNow.AddSeconds(1));
            }
        }
        while (cursor is not null);

        Assert.Equal(Enumerable.Range(0, 120).Select(i => $"walk-{i:D3}").Concat(["walk-late-1", "walk-late-2"]), seen);
    }

    [Fact]
    public async Task Sorting_by_expiry_orders_soonest_first_and_leaves_out_certificates_without_an_expiry()
    {
        var db = database.ConnectionString;
        await InsertAsync(db, "exp-late", expiresAt: Epoch.AddDays(50));
        await InsertAsync(db, "exp-none", status: "Pending");
        await InsertAsync(db, "exp-soon", expiresAt: Epoch.AddDays(5));
        await InsertAsync(db, "exp-mid", expiresAt: Epoch.AddDays(20));
        await using var gateway = await StartAsync(db, output);
        using var client = gateway.Client(GatewayHost.BobKey);

        var first = await JsonAsync(await client.GetAsync("/api/v1/certificates?name_prefix=exp-&sort=expires_at&limit=2"));
        var cursor = first.GetProperty("next_cursor").GetString()!;
        var second = await JsonAsync(await client.GetAsync($"/api/v1/certificates?name_prefix=exp-&sort=expires_at&limit=2&cursor={Uri.EscapeDataString(cursor)}"));

        Assert.Equal(["exp-soon", "exp-mid", "exp-late"], Ids(first).Concat(Ids(second)));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next_cursor").ValueKind);
        // A created_at cursor is refused on the expiry order.
        using var foreign = await client.GetAsync($"/api/v1/certificates?name_prefix=exp-&limit=2&cursor={Uri.EscapeDataString(cursor)}");
        Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);
    }

    [Theory]
    [InlineData("status=active", "status")]
    [InlineData("status=Bogus", "status")]
    [InlineData("sort=name", "sort")]
    [InlineData("limit=501", "limit")]
    [InlineData("expires_before=tomorrow", "expires_before")]
    public async Task Bad_query_values_are_400_validation_problems(string query, string field)
    {
        await using var gateway = await StartAsync(database.ConnectionString, output);
        using var response = await gateway.Client(GatewayHost.BobKey).GetAsync($"/api/v1/certificates?{query}");

        var problem = await ProblemJson.ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.Errors.TryGetProperty(field, out _), problem.Body.ToString());
    }

    [Fact]
    public async Task The_list_answers_304_to_its_tag_and_a_create_in_its_set_changes_the_tag()
    {
        await using var gateway = await StartAsync(database.ConnectionString, output);
        using var client = gateway.Client(GatewayHost.BobKey);
        using var first = await client.GetAsync("/api/v1/certificates?status=Pending");
        var tag = first.Headers.ETag!.Tag;

        using var again = new HttpRequestMessage(HttpMethod.Get, "/api/v1/certificates?status=Pending");
        again.Headers.TryAddWithoutValidation("If-None-Match", tag);
        using var notModified = await client.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

        using var created = await client.PostAsJsonAsync("/api/v1/certificates", NewCertificate("etag-new"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var after = new HttpRequestMessage(HttpMethod.Get, "/api/v1/certificates?status=Pending");
        after.Headers.TryAddWithoutValidation("If-None-Match", tag);
        using var changed = await client.SendAsync(after);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(tag, changed.Headers.ETag!.Tag);
    }

    [Fact]
    public async Task Without_a_key_the_list_is_401()
    {
        await using var gateway = await StartAsync(database.ConnectionString, output);
        using var response = await gateway.Client().GetAsync("/api/v1/certificates");

        await ProblemJson.ReadAsync(response, HttpStatusCode.Unauthorized);
    }
}
