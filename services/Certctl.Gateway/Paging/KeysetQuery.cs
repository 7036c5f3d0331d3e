using Npgsql;

namespace Certctl.Gateway.Paging;

/// <summary>
/// One page of a keyset-ordered list: decodes the request's cursor, supplies the SQL pieces and reads limit + 1 rows,
/// the extra row only saying whether a next page exists.
/// </summary>
/// <example><code>
/// var query = new KeysetQuery(page, ByCreation, cursors);
/// await using var command = db.CreateCommand(
///     $"SELECT id, name, created_at FROM teams WHERE {query.Where} ORDER BY {query.OrderBy} LIMIT {KeysetQuery.LimitPlaceholder}");
/// return TypedResults.Ok(await query.ReadAsync(command, Team.Read, team => new(team.CreatedAt, team.Id), cancellationToken));
/// </code></example>
public sealed class KeysetQuery
{
    /// <summary>Name of the LIMIT parameter <see cref="ReadAsync{T}"/> binds (to limit + 1).</summary>
    public const string LimitParameter = "page_limit";

    /// <summary>The placeholder to write after LIMIT.</summary>
    public const string LimitPlaceholder = "@" + LimitParameter;

    private readonly PageRequest _page;
    private readonly TimestampIdKeyset _keyset;
    private readonly CursorCodec _cursors;

    /// <summary>Decodes <paramref name="page"/>'s cursor for <paramref name="keyset"/>; a tampered or foreign cursor is a 400.</summary>
    public KeysetQuery(PageRequest page, TimestampIdKeyset keyset, CursorCodec cursors)
    {
        _page = page;
        _keyset = keyset;
        _cursors = cursors;
        After = cursors.Decode(page.Cursor, keyset);
    }

    /// <summary>The position this page continues after, or null on the first page.</summary>
    public KeysetPosition? After { get; }

    /// <summary>The keyset predicate for the WHERE clause (combine with the list's filters using AND).</summary>
    public string Where => _keyset.After(After);

    /// <summary>The ORDER BY list.</summary>
    public string OrderBy => _keyset.OrderBy;

    /// <summary>
    /// Binds the keyset and limit parameters (the query uses named parameters), reads up to limit + 1 rows and returns
    /// the page, with a next cursor made from the last row kept when the extra row exists.
    /// </summary>
    public async Task<Page<T>> ReadAsync<T>(
        NpgsqlCommand command, Func<NpgsqlDataReader, T> read, Func<T, KeysetPosition> positionOf, CancellationToken cancellationToken)
    {
        _keyset.AddParameters(command, After);
        command.Parameters.Add(new NpgsqlParameter<int>(LimitParameter, _page.Limit + 1));
        var rows = new List<T>(Math.Min(_page.Limit + 1, 64));
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (rows.Count <= _page.Limit && await reader.ReadAsync(cancellationToken))
            {
                rows.Add(read(reader));
            }
        }

        string? next = null;
        if (rows.Count > _page.Limit)
        {
            rows.RemoveAt(rows.Count - 1);
            next = _cursors.Encode(_keyset, positionOf(rows[^1]));
        }

        return new Page<T>(rows, next, _page.Limit);
    }
}
