using Certctl.Domain;
using Certctl.Gateway.Paging;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using static Certctl.Gateway.Inventory.InventorySql;

namespace Certctl.Gateway.Inventory;

/// <summary>A person responsible for certificates; notices go to the email.</summary>
public sealed record Owner(string Id, string Name, string Email, string TeamId, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>Body of an owner create (id optional) or full replace.</summary>
public sealed record OwnerRequest(string? Id, string? Name, string? Email, string? TeamId);

/// <summary><c>/api/v1/owners</c>: list, get, create, replace, delete (refused with 409 while certificates refer to the owner).</summary>
public static class OwnerEndpoints
{
    private const string Columns = "id, name, email, team_id, created_at, updated_at";

    public static RouteGroupBuilder MapOwnerEndpoints(this RouteGroupBuilder api)
    {
        var owners = api.MapGroup("/owners").WithTags("Owners");
        owners.MapGet("", ListOwners).WithName(nameof(ListOwners)).WithSummary("Lists owners, oldest first, a cursor page at a time.");
        owners.MapGet("/{id}", GetOwner).WithName(nameof(GetOwner)).WithSummary("Gets an owner.");
        owners.MapPost("", CreateOwner).WithName(nameof(CreateOwner)).WithSummary("Creates an owner in an existing team.");
        owners.MapPut("/{id}", UpdateOwner).WithName(nameof(UpdateOwner)).WithSummary("Replaces an owner.");
        owners.MapDelete("/{id}", DeleteOwner).WithName(nameof(DeleteOwner)).WithSummary("Deletes an owner no certificate refers to.");
        return api;
    }

    public static async Task<Ok<Page<Owner>>> ListOwners(
        [AsParameters] PageRequest page, CursorCodec cursors, NpgsqlDataSource db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await ListAsync(db, "owners", Columns, page, cursors, Read, owner => new KeysetPosition(owner.CreatedAt, owner.Id), cancellationToken));

    public static Task<Results<Ok<Owner>, ProblemHttpResult>> GetOwner(string id, NpgsqlDataSource db, CancellationToken cancellationToken) =>
        GetAsync(db, "owners", Columns, "owner", id, Read, cancellationToken);

    public static async Task<Results<Created<Owner>, ValidationProblem>> CreateOwner(
        OwnerRequest body, IdGenerator ids, NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        var errors = Validate(IdAndName(body.Id, body.Name), body);
        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        await using var command = db.CreateCommand(
            $"INSERT INTO owners (id, name, email, team_id) VALUES (@id, @name, @email, @team_id) RETURNING {Columns}");
        AddFields(command, IdFor(body.Id, ids, IdPrefix.Owner), body);
        var owner = (await SingleOrDefaultAsync(command, Read, cancellationToken))!;
        return TypedResults.Created($"/api/v1/owners/{Uri.EscapeDataString(owner.Id)}", owner);
    }

    public static async Task<Results<Ok<Owner>, ValidationProblem, ProblemHttpResult>> UpdateOwner(
        string id, OwnerRequest body, NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        var errors = Validate(IdAndName(null, body.Name), body);
        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        await using var command = db.CreateCommand(
            $"UPDATE owners SET name = @name, email = @email, team_id = @team_id, updated_at = now() WHERE id = @id RETURNING {Columns}");
        AddFields(command, id, body);
        return await SingleOrDefaultAsync(command, Read, cancellationToken) is { } owner ? TypedResults.Ok(owner) : NotFound("owner", id);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteOwner(string id, NpgsqlDataSource db, CancellationToken cancellationToken) =>
        await DeleteAsync(db, "owners", id, cancellationToken) ? TypedResults.NoContent() : NotFound("owner", id);

    private static Problems.FieldErrors Validate(Problems.FieldErrors errors, OwnerRequest body) => errors
        .Required("team_id", body.TeamId)
        .MaxLength("team_id", body.TeamId, MaxTextLength)
        .MaxLength("email", body.Email, MaxTextLength)
        .AddIf(body.Email is { Length: > 0 } email && !System.Net.Mail.MailAddress.TryCreate(email, out _), "email", "is not an email address");

    private static void AddFields(NpgsqlCommand command, string id, OwnerRequest body)
    {
        command.Parameters.Add(Param("id", id));
        command.Parameters.Add(Param("name", body.Name));
        command.Parameters.Add(Param("email", body.Email ?? string.Empty));
        command.Parameters.Add(Param("team_id", body.TeamId));
    }

    private static Owner Read(NpgsqlDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
        reader.GetFieldValue<DateTimeOffset>(4), reader.GetFieldValue<DateTimeOffset>(5));
}
