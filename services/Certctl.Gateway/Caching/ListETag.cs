using System.Buffers.Text;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Certctl.Gateway.Caching;

/// <summary>
/// The strong ETag of a polled list: SHA-256 over the latest change that touched the filtered set, the request path, its
/// normalised query (cursor and limit included: each page is its own representation) and the build. The same for every
/// operator: the data does not depend on who asks.
/// </summary>
/// <remarks>
/// The latest change comes from the table's change journal (migration 0008): <c>GREATEST(max(version) of the journal rows
/// the list's predicate matches, the journal's horizon)</c>. One index walk from the newest change down to the first that
/// matches, over a journal pruned to its newest rows (<see cref="ChangeJournalPruner"/>): far cheaper than the list, and a
/// write outside the filtered set leaves the tag alone.
/// </remarks>
public sealed class ListETag(NpgsqlDataSource dataSource)
{
    // A new build may shape the JSON differently; its tags must not match the old build's.
    private static readonly string Build =
        typeof(ListETag).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>Finds the version of the set <paramref name="filter"/> selects in <paramref name="table"/> and returns the tag for <paramref name="request"/>.</summary>
    public async Task<string> ComputeAsync(string table, IListFilter filter, HttpRequest request, CancellationToken cancellationToken)
    {
        var version = await ReadVersionAsync(table, filter, cancellationToken);
        return For(table, version, request.Path, request.Query);
    }

    /// <summary>The version of the last change that touched the rows <paramref name="filter"/> selects in <paramref name="table"/>.</summary>
    public async Task<long> ReadVersionAsync(string table, IListFilter filter, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand();
        var predicate = filter.Predicate(command);
        // One statement, one snapshot: the journal rows and the horizon always agree (pruning changes both in one transaction).
        command.CommandText = string.Create(CultureInfo.InvariantCulture, $"""
            SELECT GREATEST(
                (SELECT max({filter.Alias}.version) FROM {table}_changes {filter.Alias} WHERE {predicate}),
                (SELECT horizon FROM table_versions WHERE table_name = @etag_table))
            """);
        command.Parameters.Add(new NpgsqlParameter<string>("etag_table", table));
        return await command.ExecuteScalarAsync(cancellationToken) is long version
            ? version
            : throw new InvalidOperationException(
                $"Table '{table}' has no row in table_versions; a list ETag needs its change journal (install_list_journal).");
    }

    /// <summary>The quoted strong tag for a set's version, path and query.</summary>
    public static string For(string table, long version, PathString path, IQueryCollection query)
    {
        var text = new StringBuilder()
            .Append(table).Append('\n')
            .Append(version).Append('\n')
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
