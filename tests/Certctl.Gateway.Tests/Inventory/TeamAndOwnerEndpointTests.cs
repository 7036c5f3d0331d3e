using System.Net;
using Certctl.Domain;
using static Certctl.Gateway.Tests.Inventory.InventoryHttp;

namespace Certctl.Gateway.Tests.Inventory;

/// <summary>Teams and owners through the real gateway on a migrated, demo-seeded Postgres.</summary>
public sealed class TeamAndOwnerEndpointTests(MigratedDatabaseFixture<TeamAndOwnerEndpointTests> database, ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<TeamAndOwnerEndpointTests>>
{
    [Fact]
    public async Task A_team_round_trips_through_create_get_update_and_delete()
    {
        await using var gateway = await InventoryHost.StartAsync(database.ConnectionString, output);
        using var client = gateway.Client();

        var created = await SendAsync(client, HttpMethod.Post, "/api/v1/teams", new { name = "Round trip", description = "first" }, HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        Assert.True(EntityId.IsWellFormed(id, IdPrefix.Team), id);
        Assert.Equal("first", created.GetProperty("description").GetString());

        var fetched = await SendAsync(client, HttpMethod.Get, $"/api/v1/teams/{id}", null, HttpStatusCode.OK);
        Assert.Equal("Round trip", fetched.GetProperty("name").GetString());

        var updated = await SendAsync(client, HttpMethod.Put, $"/api/v1/teams/{id}", new { name = "Round trip 2" }, HttpStatusCode.OK);
        Assert.Equal("Round trip 2", updated.GetProperty("name").GetString());
        Assert.Equal(string.Empty, updated.GetProperty("description").GetString());

        using (var deleted = await client.DeleteAsync($"/api/v1/teams/{id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        await ProblemAsync(client, HttpMethod.Get, $"/api/v1/teams/{id}", null, HttpStatusCode.NotFound);
        await ProblemAsync(client, HttpMethod.Put, $"/api/v1/teams/{id}", new { name = "gone" }, HttpStatusCode.NotFound);
        await ProblemAsync(client, HttpMethod.Delete, $"/api/v1/teams/{id}", null, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_client_supplied_id_is_kept_and_a_duplicate_name_or_id_is_a_409()
    {
        await using var gateway = await InventoryHost.StartAsync(database.ConnectionString, output);
        using var client = gateway.Client();

        var created = await SendAsync(client, HttpMethod.Post, "/api/v1/teams", new { id = "t-mine", name = "Mine" }, HttpStatusCode.Created);
        Assert.Equal("t-mine", created.GetProperty("id").GetString());

        await ProblemAsync(client, HttpMethod.Post, "/api/v1/teams", new { name = "Mine" }, HttpStatusCode.Conflict);
        await ProblemAsync(client, HttpMethod.Post, "/api/v1/teams", new { id = "t-mine", name = "Other" }, HttpStatusCode.Conflict);
        await ProblemAsync(client, HttpMethod.Put, "/api/v1/teams/t-mine", new { name = "Platform" }, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Invalid_bodies_are_400_validation_problems_with_field_errors()
    {
        await using var gateway = await InventoryHost.StartAsync(database.ConnectionString, output);
        using var client = gateway.Client();

        var team = await ProblemAsync(client, HttpMethod.Post, "/api/v1/teams", new { name = " ", id = new string('x', 256) }, HttpStatusCode.BadRequest);
        Assert.True(team.Errors.TryGetProperty("name", out _));
        Assert.True(team.Errors.TryGetProperty("id", out _));

        var owner = await ProblemAsync(client, HttpMethod.Post, "/api/v1/owners", new { name = new string('n', 256), email = "not-an-email" }, HttpStatusCode.BadRequest);
        Assert.True(owner.Errors.TryGetProperty("name", out _));
        Assert.True(owner.Errors.TryGetProperty("team_id", out _));
        Assert.True(owner.Errors.TryGetProperty("email", out _));
    }

    [Fact]
    public async Task An_owner_round_trips_and_an_unknown_team_is_a_422()
    {
        await using var gateway = await InventoryHost.StartAsync(database.ConnectionString, output);
        using var client = gateway.Client();

        var created = await SendAsync(client, HttpMethod.Post, "/api/v1/owners",
            new { name = "Carol", email = "carol@example.com", team_id = "t-platform" }, HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        Assert.True(EntityId.IsWellFormed(id, IdPrefix.Owner), id);
        Assert.Equal("t-platform", created.GetProperty("team_id").GetString());

        var unknown = await ProblemAsync(client, HttpMethod.Post, "/api/v1/owners", new { name = "Dan", team_id = "t-nowhere" }, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("team_id", unknown.Detail);
        await ProblemAsync(client, HttpMethod.Put, $"/api/v1/owners/{id}", new { name = "Carol", team_id = "t-nowhere" }, HttpStatusCode.UnprocessableEntity);

        var moved = await SendAsync(client, HttpMethod.Put, $"/api/v1/owners/{id}", new { name = "Carol B", team_id = "t-security" }, HttpStatusCode.OK);
        Assert.Equal("t-security", moved.GetProperty("team_id").GetString());
        Assert.Equal(string.Empty, moved.GetProperty("email").GetString());
        Assert.Equal("Carol B", (await SendAsync(client, HttpMethod.Get, $"/api/v1/owners/{id}", null, HttpStatusCode.OK)).GetProperty("name").GetString());

        using (var deleted = await client.DeleteAsync($"/api/v1/owners/{id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        await ProblemAsync(client, HttpMethod.Get, $"/api/v1/owners/{id}", null, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Deleting_a_team_or_owner_that_is_still_referenced_is_a_409()
    {
        await using var gateway = await InventoryHost.StartAsync(database.ConnectionString, output);
        using var client = gateway.Client();

        await ProblemAsync(client, HttpMethod.Delete, "/api/v1/teams/t-platform", null, HttpStatusCode.Conflict);
        await ProblemAsync(client, HttpMethod.Delete, "/api/v1/owners/o-alice", null, HttpStatusCode.Conflict);
        Assert.Equal(1L, await Sql.ScalarAsync<long>(database.ConnectionString, "SELECT count(*) FROM teams WHERE id = 't-platform'"));
    }

    [Theory]
    [InlineData("/api/v1/teams")]
    [InlineData("/api/v1/teams/t-platform")]
    [InlineData("/api/v1/owners")]
    [InlineData("/api/v1/owners/o-alice")]
    public async Task Without_a_key_the_answer_is_401(string path)
    {
        await using var gateway = await InventoryHost.StartAsync(database.ConnectionString, output);
        using var response = await gateway.Client(key: null).GetAsync(path);
        await ProblemJson.ReadAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Walking_the_team_and_owner_lists_returns_every_row_once()
    {
        for (var i = 0; i < 23; i++)
        {
            await Sql.ExecuteAsync(database.ConnectionString,
                "INSERT INTO teams (id, name, created_at) VALUES ($1, $1, timestamptz '2026-01-01' + ($2 / 3) * interval '1 second') ON CONFLICT DO NOTHING", $"t-walk-{i:00}", i);
            await Sql.ExecuteAsync(database.ConnectionString,
                "INSERT INTO owners (id, name, team_id) VALUES ($1, $1, 't-platform') ON CONFLICT DO NOTHING", $"o-walk-{i:00}");
        }

        await using var gateway = await InventoryHost.StartAsync(database.ConnectionString, output);
        using var client = gateway.Client();

        foreach (var (path, table) in new[] { ("/api/v1/teams", "teams"), ("/api/v1/owners", "owners") })
        {
            var walked = await WalkIdsAsync(client, path, limit: 4);
            var all = (await Sql.RowsAsync(database.ConnectionString, $"SELECT id FROM {table} ORDER BY created_at, id")).Select(row => (string)row["id"]!).ToList();
            Assert.Equal(all, walked);
        }
    }
}
