using System.Buffers.Text;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Certctl.Gateway.Caching;

/// <summary>
/// The strong ETag of a polled list: SHA-256 over the table's change counter (<c>table_versions</c>, one indexed row),
/// the request path and its normalised query (cursor and limit included: each page is its own representation) and
/// the build. The same for every operator: the data does not depend on who asks.
/// </summary>
public sealed class ListETag(NpgsqlDataSource dataSource)
{
    private const string VersionSql = "SELECT version FROM table_versions WHERE table_name = $1";

    // A new build may shape the JSON differently; its tags must not match the old build's.
    private static readonly string Build =
        typeof(ListETag).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>Reads the counter of <paramref name="table"/> and returns the tag for <paramref name="request"/>.</summary>
    public async Task<string> ComputeAsync(string table, HttpRequest request, CancellationToken cancellationToken)
    {
        var version = await ReadVersionAsync(table, cancellationToken);
        return For(table, version, request.Path, request.Query);
    }

    /// <summary>The change counter of <paramref name="table"/>.</summary>
    public async Task<long> ReadVersionAsync(string table, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(VersionSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = table });
        return await command.ExecuteScalarAsync(cancellationToken) is long version
            ? version
            : throw new InvalidOperationException(
                $"Table '{table}' has no row in table_versions; a list ETag needs its change counter (install_table_version_triggers).");
    }

    /// <summary>The quoted strong tag for a table version, path and query.</summary>
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
