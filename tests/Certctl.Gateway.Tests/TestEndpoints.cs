using System.Security.Claims;
using Certctl.Gateway.Auth;
using Certctl.Gateway.Caching;
using Certctl.Gateway.Paging;
using Certctl.Gateway.Problems;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Npgsql;

namespace Certctl.Gateway.Tests;

/// <summary>Small resource endpoints, written the way the real ones will be, that exercise the core on real tables.</summary>
internal static class TestEndpoints
{
    public static readonly TimestampIdKeyset TeamsOldestFirst = new("created_at", "id", SortDirection.Ascending);
    public static readonly TimestampIdKeyset TeamsNewestFirst = new("created_at", "id", SortDirection.Descending);

    /// <summary>How often the agent list handler ran (a 304 must not run it).</summary>
    public static int AgentListCalls;

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/teams", CreateTeam);
        api.MapPost("/teams/{id}/rename", RenameTeam);
        api.MapDelete("/teams/{id}", DeleteTeam);
        api.MapGet("/teams", ListTeams);
        api.MapPost("/owners", CreateOwner);
        api.MapPost("/agents/{id}/status", SetAgentStatus);
        api.MapGet("/agents", ListAgents).WithListETag("agents");
        api.MapGet("/numbers/{value}", ParseNumber);
        api.MapPost("/bulk-revoke", (ClaimsPrincipal user) => TypedResults.Ok(new { actor = user.GetOperator().Name })).RequireAdmin();
        api.MapPost("/problems/domain", () => { throw new DomainProblemException(409, "Renewal in progress", "mc-1 is already being renewed."); });
        api.MapPost("/problems/validation", (TeamBody body) =>
        {
            var errors = new FieldErrors().Required("name", body.Name).MaxLength("id", body.Id, 8);
            return errors.HasErrors ? (IResult)errors.ToProblem() : TypedResults.NoContent();
        });
        api.MapPost("/problems/crash", () => { throw new InvalidOperationException("a server bug"); });
        api.MapPost("/slow/{id}", async (string id) => { await Task.Delay(TimeSpan.FromMilliseconds(700)); return TypedResults.Accepted($"/api/v1/slow/{id}"); });
        api.MapGet("/anonymous", () => "open").AllowAnonymous();
        api.MapPost("/anonymous", (TeamBody body) => TypedResults.Ok(body)).AllowAnonymous();
    }

    private static async Task<Created<TeamBody>> CreateTeam(TeamBody body, NpgsqlDataSource db)
    {
        await using var command = db.CreateCommand("INSERT INTO teams (id, name) VALUES ($1, $2)");
        command.Parameters.Add(new NpgsqlParameter { Value = body.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = body.Name });
        await command.ExecuteNonQueryAsync();
        return TypedResults.Created($"/api/v1/teams/{body.Id}", body);
    }

    private static async Task<NoContent> RenameTeam(string id, TeamBody body, NpgsqlDataSource db)
    {
        await using var command = db.CreateCommand("UPDATE teams SET name = $2 WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = body.Name });
        await command.ExecuteNonQueryAsync();
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> DeleteTeam(string id, NpgsqlDataSource db)
    {
        await using var command = db.CreateCommand("DELETE FROM teams WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await command.ExecuteNonQueryAsync();
        return TypedResults.NoContent();
    }

    private static async Task<Ok<Page<TeamRow>>> ListTeams(
        [AsParameters] PageRequest page, string prefix, string? order, CursorCodec cursors, NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        var query = new KeysetQuery(page, order == "desc" ? TeamsNewestFirst : TeamsOldestFirst, cursors);
        await using var command = db.CreateCommand(
            $"SELECT id, name, created_at FROM teams WHERE starts_with(id, @prefix) AND {query.Where} ORDER BY {query.OrderBy} LIMIT {KeysetQuery.LimitPlaceholder}");
        command.Parameters.Add(new NpgsqlParameter<string>("prefix", prefix));
        var result = await query.ReadAsync(
            command, reader => new TeamRow(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2)),
            team => new KeysetPosition(team.CreatedAt, team.Id), cancellationToken);
        return TypedResults.Ok(result);
    }

    private static async Task<Created> CreateOwner(OwnerBody body, NpgsqlDataSource db)
    {
        await using var command = db.CreateCommand("INSERT INTO owners (id, name, team_id) VALUES ($1, $2, $3)");
        command.Parameters.Add(new NpgsqlParameter { Value = body.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = body.Name });
        command.Parameters.Add(new NpgsqlParameter { Value = body.TeamId });
        await command.ExecuteNonQueryAsync();
        return TypedResults.Created($"/api/v1/owners/{body.Id}");
    }

    private static async Task<NoContent> SetAgentStatus(string id, AgentStatusBody body, NpgsqlDataSource db)
    {
        await using var command = db.CreateCommand("UPDATE agents SET status = $2 WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = body.Status });
        await command.ExecuteNonQueryAsync();
        return TypedResults.NoContent();
    }

    private static async Task<Ok<Page<string>>> ListAgents([AsParameters] PageRequest page, string? prefix, NpgsqlDataSource db)
    {
        Interlocked.Increment(ref AgentListCalls);
        await using var command = db.CreateCommand("SELECT id FROM agents WHERE starts_with(id, $1) ORDER BY id LIMIT $2");
        command.Parameters.Add(new NpgsqlParameter { Value = prefix ?? string.Empty });
        command.Parameters.Add(new NpgsqlParameter { Value = page.Limit });
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        return TypedResults.Ok(new Page<string>(ids, null, page.Limit));
    }

    // The client's text reaches Postgres as text and is cast there: a 22P02 the client caused.
    private static async Task<Ok<int>> ParseNumber(string value, NpgsqlDataSource db)
    {
        await using var command = db.CreateCommand("SELECT $1::text::integer");
        command.Parameters.Add(new NpgsqlParameter { Value = value });
        return TypedResults.Ok((int)(await command.ExecuteScalarAsync())!);
    }

    public sealed record TeamBody(string Id, string? Name);

    public sealed record TeamRow(string Id, string Name, DateTimeOffset CreatedAt);

    public sealed record OwnerBody(string Id, string Name, string TeamId);

    public sealed record AgentStatusBody(string Status);
}
