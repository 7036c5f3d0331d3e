using Npgsql;

namespace Certctl.Testing;

/// <summary>Direct SQL on a test database, for arranging rows and checking what the code under test wrote.</summary>
public static class Sql
{
    public static async Task<int> ExecuteAsync(string connectionString, string sql, params object?[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = Command(connection, sql, parameters);
        return await command.ExecuteNonQueryAsync();
    }

    public static async Task<T?> ScalarAsync<T>(string connectionString, string sql, params object?[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = Command(connection, sql, parameters);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }

    public static async Task<List<Dictionary<string, object?>>> RowsAsync(string connectionString, string sql, params object?[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = Command(connection, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<Dictionary<string, object?>>();
        while (await reader.ReadAsync())
        {
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var i = 0; i < reader.FieldCount; i++)
            {
                row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    /// <summary>
    /// Waits (up to 30 s) until every transaction of the cluster that began before this call has ended, so that a reader's
    /// snapshot has them all below its xmin. A list ETag (migration 0014) counts the journal rows at or above the reader's xmin
    /// apart, so it may move once when xmin passes them, caused by any transaction of any database on the server (other test
    /// classes' included). A test that asserts a tag holds settles first; after that only a change to the set moves the tag.
    /// The database must be migrated: xmin is read with <c>list_journal_xmin()</c>, as the list ETag's reader reads it.
    /// </summary>
    public static async Task SettleTransactionsAsync(string connectionString)
    {
        var timeout = TimeSpan.FromSeconds(30);
        var line = await ScalarAsync<long>(connectionString, "SELECT pg_current_xact_id()::text::bigint");
        var deadline = DateTime.UtcNow + timeout;
        while (await ScalarAsync<long>(connectionString, "SELECT list_journal_xmin()") <= line)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Transactions begun before xid {line} were still running after {timeout}.");
            }

            await Task.Delay(20);
        }
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, object?[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter ?? DBNull.Value });
        }

        return command;
    }
}
