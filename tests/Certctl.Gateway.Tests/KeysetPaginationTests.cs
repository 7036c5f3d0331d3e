using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Certctl.Gateway.Tests;

/// <summary>Keyset pages over a real table: every row exactly once, stable under concurrent inserts, bad input refused.</summary>
public sealed class KeysetPaginationTests(MigratedDatabaseFixture<KeysetPaginationTests> database, ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<KeysetPaginationTests>>
{
    private static readonly DateTime Epoch = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData("asc", 7)]
    [InlineData("desc", 7)]
    [InlineData("asc", 500)]
    [InlineData("desc", 1)]
    public async Task Walking_all_pages_returns_every_row_exactly_once_in_order(string order, int limit)
    {
        var prefix = $"walk-{order}-{limit}-";
        // Three rows share each timestamp, so the id has to break the ties.
        await InsertTeamsAsync(prefix, count: 100, secondOf: i => i / 3);
        await using var gateway = await StartAsync();

        var walked = await WalkAsync(gateway, prefix, order, limit);

        var expected = Enumerable.Range(0, 100).Select(i => (Epoch.AddSeconds(i / 3), Id(prefix, i)));
        expected = order == "asc" ? expected.OrderBy(row => row.Item1).ThenBy(row => row.Item2, StringComparer.Ordinal)
            : expected.OrderByDescending(row => row.Item1).ThenByDescending(row => row.Item2, StringComparer.Ordinal);
        Assert.Equal(expected.Select(row => row.Item2), walked);
    }

    [Fact]
    public async Task Rows_inserted_during_an_ascending_walk_with_later_keys_appear_and_nothing_repeats()
    {
        const string prefix = "grow-";
        await InsertTeamsAsync(prefix, count: 40, secondOf: i => i);
        await using var gateway = await StartAsync();
        using var client = gateway.Client(GatewayHost.BobKey);

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await GetPageAsync(client, prefix, "asc", 6, cursor);
            seen.AddRange(page.Ids);
            cursor = page.NextCursor;
            if (++pages == 3)
            {
                // Later keys (the usual case: created now) and one earlier than the walk's position.
                await InsertTeamsAsync(prefix + "late-", count: 9, secondOf: i => 1000 + i);
                await InsertTeamsAsync(prefix + "early-", count: 1, secondOf: _ => 1);
            }
        }
        while (cursor is not null);

        var original = Enumerable.Range(0, 40).Select(i => Id(prefix, i));
        var late = Enumerable.Range(0, 9).Select(i => Id(prefix + "late-", i));
        Assert.Equal(original.Concat(late), seen);
    }

    [Fact]
    public async Task The_last_page_has_no_next_cursor_and_the_limit_is_echoed()
    {
        await InsertTeamsAsync("last-", count: 3, secondOf: i => i);
        await using var gateway = await StartAsync();

        using var response = await gateway.Client(GatewayHost.BobKey).GetAsync("/api/v1/teams?prefix=last-&limit=3");

        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(3, body.GetProperty("data").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("next_cursor").ValueKind);
        Assert.Equal(3, body.GetProperty("limit").GetInt32());
    }

    [Fact]
    public async Task The_default_limit_is_50()
    {
        await InsertTeamsAsync("default-", count: 51, secondOf: i => i);
        await using var gateway = await StartAsync();

        var page = await GetPageAsync(gateway.Client(GatewayHost.BobKey), "default-", "asc", limit: null, cursor: null);

        Assert.Equal(50, page.Ids.Count);
        Assert.NotNull(page.NextCursor);
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=501")]
    [InlineData("limit=-5")]
    public async Task A_limit_out_of_range_is_a_400_validation_problem(string query)
    {
        await using var gateway = await StartAsync();

        using var response = await gateway.Client(GatewayHost.BobKey).GetAsync($"/api/v1/teams?prefix=x&{query}");

        var problem = await ProblemJson.ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("must be between 1 and 500", problem.Errors.GetProperty("limit")[0].GetString());
    }

    [Theory]
    [InlineData("limit=ten")]
    [InlineData("limit=10&limit=20")]
    public async Task A_limit_that_is_not_one_number_is_400(string query)
    {
        await using var gateway = await StartAsync();

        using var response = await gateway.Client(GatewayHost.BobKey).GetAsync($"/api/v1/teams?prefix=x&{query}");

        await ProblemJson.ReadAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_tampered_cursor_or_one_from_another_order_is_400()
    {
        await InsertTeamsAsync("tamper-", count: 4, secondOf: i => i);
        await using var gateway = await StartAsync();
        using var client = gateway.Client(GatewayHost.BobKey);
        var cursor = (await GetPageAsync(client, "tamper-", "asc", 2, null)).NextCursor!;
        var tampered = (cursor[0] == 'e' ? "f" : "e") + cursor[1..];

        using var altered = await client.GetAsync($"/api/v1/teams?prefix=tamper-&limit=2&cursor={Uri.EscapeDataString(tampered)}");
        using var foreign = await client.GetAsync($"/api/v1/teams?prefix=tamper-&limit=2&order=desc&cursor={Uri.EscapeDataString(cursor)}");
        using var genuine = await client.GetAsync($"/api/v1/teams?prefix=tamper-&limit=2&cursor={Uri.EscapeDataString(cursor)}");

        Assert.True((await ProblemJson.ReadAsync(altered, HttpStatusCode.BadRequest)).Errors.TryGetProperty("cursor", out _));
        await ProblemJson.ReadAsync(foreign, HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.OK, genuine.StatusCode);
    }

    private async Task<List<string>> WalkAsync(GatewayHost gateway, string prefix, string order, int limit)
    {
        using var client = gateway.Client(GatewayHost.BobKey);
        var ids = new List<string>();
        string? cursor = null;
        do
        {
            var page = await GetPageAsync(client, prefix, order, limit, cursor);
            Assert.InRange(page.Ids.Count, 1, limit);
            ids.AddRange(page.Ids);
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        return ids;
    }

    private static async Task<(List<string> Ids, string? NextCursor)> GetPageAsync(HttpClient client, string prefix, string order, int? limit, string? cursor)
    {
        var url = $"/api/v1/teams?prefix={prefix}&order={order}" + (limit is null ? "" : $"&limit={limit}") +
                  (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}");
        using var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var ids = body.GetProperty("data").EnumerateArray().Select(team => team.GetProperty("id").GetString()!).ToList();
        return (ids, body.GetProperty("next_cursor").GetString());
    }

    private Task InsertTeamsAsync(string prefix, int count, Func<int, int> secondOf) =>
        Sql.ExecuteAsync(database.ConnectionString,
            "INSERT INTO teams (id, name, created_at) SELECT id, id, ts FROM unnest($1::text[], $2::timestamptz[]) AS t(id, ts)",
            Enumerable.Range(0, count).Select(i => Id(prefix, i)).ToArray(),
            Enumerable.Range(0, count).Select(i => Epoch.AddSeconds(secondOf(i))).ToArray());

    private static string Id(string prefix, int i) => $"{prefix}{i:D3}";

    private Task<GatewayHost> StartAsync() => GatewayHost.StartAsync(database.ConnectionString, output, TestEndpoints.Map);
}
