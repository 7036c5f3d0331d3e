using Certctl.Domain;
using Certctl.Gateway.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Certctl.Gateway.Inventory;

/// <summary>The small pieces every inventory resource shares: parameters, single-row reads, ids and the 404 problem.</summary>
internal static class InventorySql
{
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
