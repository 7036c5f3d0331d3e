using Microsoft.Extensions.Logging;
using Npgsql;

namespace Certctl.Migrations;

/// <summary>A session-level Postgres advisory lock held on its own connection until disposed.</summary>
internal sealed class PostgresAdvisoryLock : IDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly long _key;

    private PostgresAdvisoryLock(NpgsqlConnection connection, long key)
    {
        _connection = connection;
        _key = key;
    }

    public static PostgresAdvisoryLock Acquire(string connectionString, long key, TimeSpan waitTimeout, ILogger logger)
    {
        // Unpooled: closing the connection must end the session, so a crashed runner can never
        // leave the lock parked on an idle pooled connection.
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            connection.Open();
            if (!TryLock(connection, key))
            {
                logger.LogInformation("Another migration runner holds advisory lock {Key}; waiting up to {Timeout}", key, waitTimeout);
                using var wait = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection);
                wait.Parameters.AddWithValue("key", key);
                wait.CommandTimeout = (int)waitTimeout.TotalSeconds;
                wait.ExecuteNonQuery();
            }
            return new PostgresAdvisoryLock(connection, key);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static bool TryLock(NpgsqlConnection connection, long key)
    {
        using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", connection);
        command.Parameters.AddWithValue("key", key);
        return command.ExecuteScalar() is true;
    }

    public void Dispose()
    {
        try
        {
            using var command = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", _connection);
            command.Parameters.AddWithValue("key", _key);
            command.ExecuteNonQuery();
        }
        catch (NpgsqlException)
        {
            // The session ends with the connection below, which releases the lock anyway.
        }
        finally
        {
            _connection.Dispose();
        }
    }
}
