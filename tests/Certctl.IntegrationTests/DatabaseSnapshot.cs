using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Certctl.IntegrationTests;

/// <summary>What a migration run could change: the schema's shape (as lines and their hash), each table's row count and the ETag counters.</summary>
internal sealed record DatabaseSnapshot(
    IReadOnlyList<string> SchemaLines,
    string SchemaHash,
    SortedDictionary<string, long> RowCounts,
    SortedDictionary<string, long> TableVersions)
{
    // Columns, constraints, indexes, triggers and function bodies of schema public, each as one sortable line.
    private const string SchemaQuery = """
        SELECT 'column ' || table_name || '.' || column_name || ' #' || ordinal_position || ' ' || data_type || ' ' || udt_name
               || ' null=' || is_nullable || ' default=' || coalesce(column_default, '-') || ' len=' || coalesce(character_maximum_length::text, '-')
          FROM information_schema.columns WHERE table_schema = 'public'
        UNION ALL
        SELECT 'constraint ' || conrelid::regclass::text || '.' || conname || ' ' || contype::text || ' ' || pg_get_constraintdef(oid)
          FROM pg_constraint WHERE connamespace = 'public'::regnamespace
        UNION ALL
        SELECT 'index ' || tablename || '.' || indexname || ' ' || indexdef
          FROM pg_indexes WHERE schemaname = 'public'
        UNION ALL
        SELECT 'trigger ' || tgrelid::regclass::text || '.' || tgname || ' ' || pg_get_triggerdef(oid)
          FROM pg_trigger WHERE NOT tgisinternal
        UNION ALL
        SELECT 'function ' || proname || ' ' || md5(prosrc)
          FROM pg_proc WHERE pronamespace = 'public'::regnamespace
        ORDER BY 1
        """;

    public static async Task<DatabaseSnapshot> TakeAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();

        var lines = new List<string>();
        await using (var command = new NpgsqlCommand(SchemaQuery, connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                lines.Add(reader.GetString(0));
            }
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', lines))));
        var rowCounts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in await TablesAsync(connection))
        {
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM public.\"{table}\"", connection);
            rowCounts[table] = (long)(await count.ExecuteScalarAsync())!;
        }

        var versions = new SortedDictionary<string, long>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand("SELECT table_name, version FROM table_versions", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                versions[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        return new DatabaseSnapshot(lines, hash, rowCounts, versions);
    }

    public static async Task<IReadOnlyList<string>> TablesAsync(NpgsqlConnection connection)
    {
        var tables = new List<string>();
        await using var command = new NpgsqlCommand(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }

    /// <summary>The schema lines only one of the two snapshots has, for a readable failure message.</summary>
    public string SchemaDifference(DatabaseSnapshot other) =>
        string.Join(Environment.NewLine,
            SchemaLines.Except(other.SchemaLines).Select(line => "- " + line)
                .Concat(other.SchemaLines.Except(SchemaLines).Select(line => "+ " + line)));
}
