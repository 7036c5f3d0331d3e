using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;

namespace Certctl.Gateway.Paging;

/// <summary>
/// A keyset order on a NOT NULL timestamp column and a unique id column, in one direction: the predicate that continues
/// after a position and the matching ORDER BY, both served by one (timestamp, id) index in either direction.
/// </summary>
/// <example><c>static readonly TimestampIdKeyset ByCreation = new("created_at", "id", SortDirection.Ascending);</c></example>
public sealed partial class TimestampIdKeyset
{
    /// <summary>Name of the timestamp parameter the predicate uses.</summary>
    public const string TimestampParameter = "keyset_ts";

    /// <summary>Name of the id parameter the predicate uses.</summary>
    public const string IdParameter = "keyset_id";

    /// <summary>Creates the order; column names are code, not input, and are checked to be plain (optionally qualified) identifiers.</summary>
    public TimestampIdKeyset(string timestampColumn, string idColumn, SortDirection direction)
    {
        TimestampColumn = RequireIdentifier(timestampColumn);
        IdColumn = RequireIdentifier(idColumn);
        Direction = direction;
    }

    /// <summary>The timestamp column (must be NOT NULL: a NULL key compares as unknown and the row would vanish from every page).</summary>
    public string TimestampColumn { get; }

    /// <summary>The unique id column that breaks ties between equal timestamps.</summary>
    public string IdColumn { get; }

    /// <summary>The direction.</summary>
    public SortDirection Direction { get; }

    /// <summary>Identifies the order inside a cursor, so a cursor from another order or list is refused.</summary>
    public string Name => $"{TimestampColumn},{IdColumn}:{(Direction == SortDirection.Ascending ? "asc" : "desc")}";

    /// <summary>The ORDER BY list, e.g. <c>created_at ASC, id ASC</c>.</summary>
    public string OrderBy => Direction == SortDirection.Ascending
        ? $"{TimestampColumn} ASC, {IdColumn} ASC"
        : $"{TimestampColumn} DESC, {IdColumn} DESC";

    /// <summary>
    /// The predicate selecting rows after <paramref name="position"/>: <c>(created_at, id) &gt; (@keyset_ts, @keyset_id)</c>
    /// ascending, <c>&lt;</c> descending, or <c>TRUE</c> on the first page. A row-value comparison, so the index is used.
    /// </summary>
    public string After(KeysetPosition? position) => position is null
        ? "TRUE"
        : $"({TimestampColumn}, {IdColumn}) {(Direction == SortDirection.Ascending ? ">" : "<")} (@{TimestampParameter}, @{IdParameter})";

    /// <summary>Adds the parameters <see cref="After"/> refers to (none on the first page).</summary>
    public void AddParameters(NpgsqlCommand command, KeysetPosition? position)
    {
        if (position is null)
        {
            return;
        }

        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>(TimestampParameter, NpgsqlDbType.TimestampTz) { TypedValue = position.Timestamp.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter<string>(IdParameter, NpgsqlDbType.Text) { TypedValue = position.Id });
    }

    private static string RequireIdentifier(string column) => IdentifierPattern().IsMatch(column)
        ? column
        : throw new ArgumentException($"'{column}' is not a plain column name.", nameof(column));

    [GeneratedRegex("^[a-z_][a-z0-9_]*(\\.[a-z_][a-z0-9_]*)?$")]
    private static partial Regex IdentifierPattern();
}
