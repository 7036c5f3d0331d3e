using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Certctl.Scheduler.Loops;

/// <summary>
/// One session-level <c>pg_try_advisory_lock</c> per loop, on a connection of its own held for the run: the lock follows the session, so a
/// replica that dies mid-run releases it with its connection.
/// </summary>
public sealed class PostgresAdvisoryLock(NpgsqlDataSource dataSource) : IClusterLock
{
    /// <summary>The lock key of a loop: the first 8 bytes of SHA-256 of <c>certctl.scheduler.&lt;loop&gt;</c>, stable across versions and replicas.</summary>
    public static long KeyFor(string loopName) =>
        BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes($"certctl.scheduler.{loopName}")));

    public async Task<IAsyncDisposable?> TryAcquireAsync(string loopName, CancellationToken cancellationToken)
    {
        var key = KeyFor(loopName);
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", connection);
            command.Parameters.Add(new NpgsqlParameter<long>("key", key));
            if (await command.ExecuteScalarAsync(cancellationToken) is true)
            {
                return new Held(connection, key);
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        await connection.DisposeAsync();
        return null;
    }

    private sealed class Held(NpgsqlConnection connection, long key) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                // Unlock before the connection goes back to the pool, where the session (and the lock) would live on.
                await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
                command.Parameters.Add(new NpgsqlParameter<long>("key", key));
                await command.ExecuteNonQueryAsync(CancellationToken.None);
            }
            catch (NpgsqlException)
            {
                // A broken connection has ended its session, and the lock with it.
            }
            finally
            {
                await connection.DisposeAsync();
            }
        }
    }
}
