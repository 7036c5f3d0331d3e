using Certctl.Domain;
using Certctl.Gateway.Paging;
using Certctl.Gateway.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Certctl.Gateway.Inventory;

/// <summary>The small pieces every inventory resource shares: list pages, gets, parameters, single-row reads, ids and the 404 problem.</summary>
internal static class InventorySql
{
    /// <summary>The order of every inventory list: oldest first.</summary>
    private static readonly TimestampIdKeyset ByCreation = new("created_at", "id", SortDirection.Ascending);
    /// <summary>Longest id or name a client may send.</summary>
    public const int MaxTextLength = 255;

    public static NpgsqlParameter Param(string name, object? value) => new(name, value ?? DBNull.Value);

    public static NpgsqlParameter Param(string name, NpgsqlTypes.NpgsqlDbType type, object? value) => new(name, type) { Value = value ?? DBNull.Value };

    /// <summary>The first row <paramref name="command"/> returns, or null.</summary>
    public static async Task<T?> SingleOrDefaultAsync<T>(NpgsqlCommand command, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
        where T : class
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? read(reader) : null;
    }

    /// <summary>One keyset page of <paramref name="table"/>, oldest first.</summary>
    public static async Task<Page<T>> ListAsync<T>(
        NpgsqlDataSource db, string table, string columns, PageRequest page, CursorCodec cursors, Func<NpgsqlDataReader, T> read,
        Func<T, KeysetPosition> position, CancellationToken cancellationToken)
    {
        var query = new KeysetQuery(page, ByCreation, cursors);
        await using var command = db.CreateCommand(
            $"SELECT {columns} FROM {table} WHERE {query.Where} ORDER BY {query.OrderBy} LIMIT {KeysetQuery.LimitPlaceholder}");
        return await query.ReadAsync(command, read, position, cancellationToken);
    }

    /// <summary>The row of <paramref name="table"/> with <paramref name="id"/>, or a 404 problem naming the <paramref name="resource"/>.</summary>
    public static async Task<Results<Ok<T>, ProblemHttpResult>> GetAsync<T>(
        NpgsqlDataSource db, string table, string columns, string resource, string id, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
        where T : class
    {
        await using var command = db.CreateCommand($"SELECT {columns} FROM {table} WHERE id = @id");
        command.Parameters.Add(Param("id", id));
        return await SingleOrDefaultAsync(command, read, cancellationToken) is { } row ? TypedResults.Ok(row) : NotFound(resource, id);
    }

    /// <summary>Deletes the row; false when there was none (a row still referenced raises the FK error the handler maps to 409).</summary>
    public static async Task<bool> DeleteAsync(NpgsqlDataSource db, string table, string id, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand($"DELETE FROM {table} WHERE id = @id");
        command.Parameters.Add(Param("id", id));
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    /// <summary>The client's id, or a generated one when none was sent.</summary>
    public static string IdFor(string? requested, IdGenerator ids, string prefix) =>
        string.IsNullOrWhiteSpace(requested) ? ids.NewId(prefix) : requested;

    /// <summary>Checks a client-supplied id (optional) and a required name.</summary>
    public static FieldErrors IdAndName(string? id, string? name) => new FieldErrors()
        .AddIf(id is not null && string.IsNullOrWhiteSpace(id), "id", "must not be blank when present")
        .MaxLength("id", id, MaxTextLength)
        .Required("name", name)
        .MaxLength("name", name, MaxTextLength);

    public static ProblemHttpResult NotFound(string resource, string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"There is no {resource} '{id}'.");
}
