using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Certctl.CaConnector.RenewalInfo;

/// <summary>
/// The session-level advisory lock that makes one replica poll ARI at a time, held on a connection of its own for the run:
/// a replica that dies mid-run releases it with its connection.
/// </summary>
public sealed class AriPollLock(NpgsqlDataSource db)
{
    /// <summary>The first 8 bytes of SHA-256 of <c>certctl.ca-connector.ari-poll</c>, the same on every replica and version.</summary>
    public static readonly long Key = BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes("certctl.ca-connector.ari-poll")));

    /// <summary>The held lock (dispose to release), or null when another replica holds it.</summary>
    public async Task<IAsyncDisposable?> TryAcquireAsync(CancellationToken cancellationToken)
    {
        var connection = await db.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", connection);
            command.Parameters.Add(new NpgsqlParameter<long>("key", Key));
            if (await command.ExecuteScalarAsync(cancellationToken) is true)
            {
                return new Held(connection);
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

    private sealed class Held(NpgsqlConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                // Unlock before the connection goes back to the pool, where the session (and the lock) would live on.
                await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
                command.Parameters.Add(new NpgsqlParameter<long>("key", Key));
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
