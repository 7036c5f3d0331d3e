using Certctl.Domain;
using Certctl.Gateway.Paging;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using static Certctl.Gateway.Inventory.InventorySql;

namespace Certctl.Gateway.Inventory;

/// <summary>A team that owns certificates.</summary>
public sealed record Team(string Id, string Name, string Description, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>Body of a team create (id optional) or full replace.</summary>
public sealed record TeamRequest(string? Id, string? Name, string? Description);

/// <summary><c>/api/v1/teams</c>: list, get, create, replace, delete (refused with 409 while owners or certificates refer to it).</summary>
public static class TeamEndpoints
{
    private const string Columns = "id, name, description, created_at, updated_at";

    public static RouteGroupBuilder MapTeamEndpoints(this RouteGroupBuilder api)
    {
        var teams = api.MapGroup("/teams").WithTags("Teams");
        teams.MapGet("", ListTeams).WithName(nameof(ListTeams)).WithSummary("Lists teams, oldest first, a cursor page at a time.");
        teams.MapGet("/{id}", GetTeam).WithName(nameof(GetTeam)).WithSummary("Gets a team.");
        teams.MapPost("", CreateTeam).WithName(nameof(CreateTeam)).WithSummary("Creates a team; the id is generated when not sent.");
        teams.MapPut("/{id}", UpdateTeam).WithName(nameof(UpdateTeam)).WithSummary("Replaces a team.");
        teams.MapDelete("/{id}", DeleteTeam).WithName(nameof(DeleteTeam)).WithSummary("Deletes a team nothing refers to.");
        return api;
    }

    public static async Task<Ok<Page<Team>>> ListTeams(
        [AsParameters] PageRequest page, CursorCodec cursors, NpgsqlDataSource db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await ListAsync(db, "teams", Columns, page, cursors, Read, team => new KeysetPosition(team.CreatedAt, team.Id), cancellationToken));

    public static Task<Results<Ok<Team>, ProblemHttpResult>> GetTeam(string id, NpgsqlDataSource db, CancellationToken cancellationToken) =>
        GetAsync(db, "teams", Columns, "team", id, Read, cancellationToken);

    public static async Task<Results<Created<Team>, ValidationProblem>> CreateTeam(
        TeamRequest body, IdGenerator ids, NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        var errors = IdAndName(body.Id, body.Name);
        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        await using var command = db.CreateCommand($"INSERT INTO teams (id, name, description) VALUES (@id, @name, @description) RETURNING {Columns}");
        AddFields(command, IdFor(body.Id, ids, IdPrefix.Team), body);
        var team = (await SingleOrDefaultAsync(command, Read, cancellationToken))!;
        return TypedResults.Created($"/api/v1/teams/{Uri.EscapeDataString(team.Id)}", team);
    }

    public static async Task<Results<Ok<Team>, ValidationProblem, ProblemHttpResult>> UpdateTeam(
        string id, TeamRequest body, NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        var errors = IdAndName(null, body.Name);
        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        await using var command = db.CreateCommand(
            $"UPDATE teams SET name = @name, description = @description, updated_at = now() WHERE id = @id RETURNING {Columns}");
        AddFields(command, id, body);
        return await SingleOrDefaultAsync(command, Read, cancellationToken) is { } team ? TypedResults.Ok(team) : NotFound("team", id);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteTeam(string id, NpgsqlDataSource db, CancellationToken cancellationToken) =>
        await DeleteAsync(db, "teams", id, cancellationToken) ? TypedResults.NoContent() : NotFound("team", id);

    private static void AddFields(NpgsqlCommand command, string id, TeamRequest body)
    {
        command.Parameters.Add(Param("id", id));
        command.Parameters.Add(Param("name", body.Name));
        command.Parameters.Add(Param("description", body.Description ?? string.Empty));
    }

    private static Team Read(NpgsqlDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3), reader.GetFieldValue<DateTimeOffset>(4));
}
