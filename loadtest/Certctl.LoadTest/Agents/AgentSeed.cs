using Npgsql;
using NpgsqlTypes;

namespace Certctl.LoadTest.Agents;

/// <summary>
/// The <c>agent_storm</c> fixture's statements: one <c>INSERT … SELECT FROM unnest</c> of the whole fleet (Online, heartbeats
/// staggered over the last 60 s, OS mix 80/10/10, token hashes from the secret). A rerun inserts nothing: it re-staggers the
/// heartbeats, brings the agents back Online and unretired, and stores the hashes of the current secret.
/// </summary>
public sealed class AgentSeed(NpgsqlConnection connection)
{
    private const int CommandTimeoutSeconds = 600;

    private const string Upsert = """
        INSERT INTO agents (id, name, hostname, status, token_hash, last_heartbeat_at, os, architecture, ip_address, version,
                            registered_at, created_at, updated_at)
        SELECT f.id, f.name, f.name || '.example.test', 'Online', f.token_hash,
               now() - make_interval(secs => f.n * @spread_seconds / @count),
               f.os, 'amd64', '10.200.' || (f.n / 256) || '.' || (f.n % 256), '1.0.0', now(), now(), now()
        FROM unnest(@ids, @names, @token_hashes, @oses) WITH ORDINALITY AS f (id, name, token_hash, os, n)
        ON CONFLICT (id) DO UPDATE SET
            status = 'Online', token_hash = EXCLUDED.token_hash, last_heartbeat_at = EXCLUDED.last_heartbeat_at,
            retired_at = NULL, retired_reason = NULL, updated_at = now()
        RETURNING (xmax = 0)
        """;

    /// <summary>Inserts agents 1 … <paramref name="count"/> that are missing and refreshes the others; returns (inserted, refreshed).</summary>
    public async Task<(int Inserted, int Refreshed)> SeedAsync(string secret, int count, CancellationToken cancellationToken)
    {
        var numbers = Enumerable.Range(1, count).ToArray();
        var ids = numbers.Select(AgentFleet.IdOf).ToArray();
        await using var command = new NpgsqlCommand(Upsert, connection) { CommandTimeout = CommandTimeoutSeconds };
        command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = ids });
        command.Parameters.Add(new NpgsqlParameter("names", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = numbers.Select(AgentFleet.NameOf).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("token_hashes", NpgsqlDbType.Array | NpgsqlDbType.Bytea)
        {
            Value = ids.Select(id => AgentFleet.TokenHash(AgentFleet.TokenOf(secret, id))).ToArray(),
        });
        command.Parameters.Add(new NpgsqlParameter("oses", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = numbers.Select(AgentFleet.OsOf).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("spread_seconds", AgentFleet.HeartbeatSpread.TotalSeconds));
        command.Parameters.Add(new NpgsqlParameter("count", count));
        var inserted = 0;
        var refreshed = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (reader.GetBoolean(0))
            {
                inserted++;
            }
            else
            {
                refreshed++;
            }
        }

        return (inserted, refreshed);
    }

    /// <summary>How many of the fleet's agents exist and how many of them are Online and not retired.</summary>
    public async Task<(long Present, long Online)> StateAsync(CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT count(*), count(*) FILTER (WHERE status = 'Online' AND retired_at IS NULL) FROM agents WHERE starts_with(id, @prefix)", connection);
        command.Parameters.Add(new NpgsqlParameter("prefix", AgentFleet.IdPrefix));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>Deletes the fleet's agents; returns how many.</summary>
    public async Task<int> RemoveAsync(CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("DELETE FROM agents WHERE starts_with(id, @prefix)", connection) { CommandTimeout = CommandTimeoutSeconds };
        command.Parameters.Add(new NpgsqlParameter("prefix", AgentFleet.IdPrefix));
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
