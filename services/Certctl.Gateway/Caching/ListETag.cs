using System.Buffers.Text;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Certctl.Gateway.Caching;

/// <summary>
/// The strong ETag of a polled list: SHA-256 over where the table's change journal stands for the list's filter, the request
/// path, its normalised query (cursor and limit included: each page is its own representation) and the build. The same for
/// every operator: the data does not depend on who asks.
/// </summary>
/// <remarks>
/// The journal (migrations 0008 and 0014) holds, per change, the writing transaction's id and the columns the lists filter on;
/// the list's own predicate runs over it (<see cref="ListVersion"/> says what is read and why it is exact). Two index walks over
/// a journal pruned to its newest rows (<see cref="ChangeJournalPruner"/>): far cheaper than the list, and a write outside the
/// filtered set leaves the tag alone. The same statement reads the whole table's version, which <see cref="ListETagCache"/>
/// compares with <see cref="TableVersionPoller"/>'s to answer repeats without the database.
/// </remarks>
public sealed class ListETag(NpgsqlDataSource dataSource)
{
    // A new build may shape the JSON differently; its tags must not match the old build's.
    private static readonly string Build =
        typeof(ListETag).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>The version of the rows <paramref name="filter"/> selects in <paramref name="table"/>, and of the whole table, in one snapshot.</summary>
    public async Task<(ListVersion Filtered, ListVersion Table)> ReadVersionAsync(string table, IListFilter filter, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand();
        var predicate = filter.Predicate(command);
        var alias = filter.Alias;
        // One statement, one snapshot: the journal rows, the xmin and the horizon always agree.
        command.CommandText = string.Create(CultureInfo.InvariantCulture, $"""
            WITH certctl_snapshot AS MATERIALIZED (SELECT list_journal_xmin() AS xmin)
            SELECT GREATEST(
                       (SELECT max({alias}.version) FROM {table}_changes {alias}
                        WHERE {alias}.version < (SELECT xmin FROM certctl_snapshot) AND {predicate}),
                       certctl_tv.horizon),
                   (SELECT count(*) FROM {table}_changes {alias}
                    WHERE {alias}.version >= (SELECT xmin FROM certctl_snapshot) AND {predicate}),
                   {WholeTableVersion(table, "certctl_tv")},
                   certctl_tv.version
            FROM table_versions certctl_tv
            WHERE certctl_tv.table_name = @etag_table
            """);
        command.Parameters.Add(new NpgsqlParameter<string>("etag_table", table));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new InvalidOperationException(
                $"Table '{table}' has no row in table_versions; a list ETag needs its change journal (install_list_journal).");
        }

        var truncations = reader.GetInt64(4);
        return (new ListVersion(reader.GetInt64(0), reader.GetInt64(1), truncations), new ListVersion(reader.GetInt64(2), reader.GetInt64(3), truncations));
    }

    /// <summary>
    /// The settled and unsettled parts of the whole table's <see cref="ListVersion"/>, as two SQL expressions; they need the
    /// <c>certctl_snapshot</c> CTE (the statement's xmin) and the table's <c>table_versions</c> row as <paramref name="versionsAlias"/>.
    /// </summary>
    internal static string WholeTableVersion(string table, string versionsAlias) => string.Create(CultureInfo.InvariantCulture, $"""
        GREATEST((SELECT max(certctl_all.version) FROM {table}_changes certctl_all
                  WHERE certctl_all.version < (SELECT xmin FROM certctl_snapshot)), {versionsAlias}.horizon),
        (SELECT count(*) FROM {table}_changes certctl_all WHERE certctl_all.version >= (SELECT xmin FROM certctl_snapshot))
        """);

    /// <summary>The quoted strong tag for a set's version, path and query.</summary>
    public static string For(string table, ListVersion version, PathString path, IQueryCollection query)
    {
        var text = new StringBuilder()
            .Append(table).Append('\n')
            .Append(version.ToString()).Append('\n')
            .Append(Build).Append('\n')
            .Append(path.Value ?? "/").Append('\n')
            .Append(NormalisedQuery(query))
            .ToString();
        return "\"" + Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(text))) + "\"";
    }

    /// <summary>The query as <c>key=value</c> pairs sorted by key (keys lower-cased: binding ignores their case), escaped so no two queries collide.</summary>
    public static string NormalisedQuery(IQueryCollection query) =>
        string.Join('&', query
            .Select(pair => (Key: pair.Key.ToLowerInvariant(), pair.Value))
            .OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .SelectMany(pair => pair.Value.Select(value => Uri.EscapeDataString(pair.Key) + "=" + Uri.EscapeDataString(value ?? string.Empty))));
}
