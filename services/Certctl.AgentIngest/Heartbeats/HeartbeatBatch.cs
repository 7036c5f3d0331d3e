using Npgsql;
using NpgsqlTypes;

namespace Certctl.AgentIngest.Heartbeats;

/// <summary>
/// Writes a batch of heartbeats with one statement: the last heartbeat of each agent in the batch wins, the metadata columns
/// take only non-empty reported values, and <c>updated_at</c> moves only when the status or the metadata changed.
/// </summary>
/// <remarks>
/// <c>last_heartbeat_at</c> is the time the heartbeat was received, not written, and never goes backwards, so a batch held
/// back by a database outage does not make agents look fresher than they were. Retired agents are left alone.
/// </remarks>
public sealed class HeartbeatBatch(NpgsqlDataSource db, TimeProvider time)
{
    private const string Sql = """
        UPDATE agents a SET
            last_heartbeat_at = GREATEST(a.last_heartbeat_at, b.received_at),
            status = 'Online',
            version = COALESCE(NULLIF(b.version, ''), a.version),
            hostname = COALESCE(NULLIF(b.hostname, ''), a.hostname),
            os = COALESCE(NULLIF(b.os, ''), a.os),
            architecture = COALESCE(NULLIF(b.architecture, ''), a.architecture),
            ip_address = COALESCE(NULLIF(b.ip_address, ''), a.ip_address),
            updated_at = CASE
                WHEN a.status <> 'Online'
                  OR (b.version <> '' AND b.version <> a.version) OR (b.hostname <> '' AND b.hostname <> a.hostname)
                  OR (b.os <> '' AND b.os <> a.os) OR (b.architecture <> '' AND b.architecture <> a.architecture)
                  OR (b.ip_address <> '' AND b.ip_address <> a.ip_address)
                THEN @now ELSE a.updated_at END
        FROM unnest(@ids, @received_at, @versions, @hostnames, @oses, @architectures, @ip_addresses)
             AS b(id, received_at, version, hostname, os, architecture, ip_address)
        WHERE a.id = b.id AND a.retired_at IS NULL
        """;

    /// <summary>The last heartbeat of each agent among <paramref name="heartbeats"/>, in agent-id order (a stable lock order between replicas).</summary>
    public static IReadOnlyList<Heartbeat> LastPerAgent(IEnumerable<Heartbeat> heartbeats)
    {
        var last = new Dictionary<string, Heartbeat>(StringComparer.Ordinal);
        foreach (var heartbeat in heartbeats)
        {
            if (!last.TryGetValue(heartbeat.AgentId, out var seen) || heartbeat.ReceivedAt >= seen.ReceivedAt)
            {
                last[heartbeat.AgentId] = heartbeat;
            }
        }

        return last.Values.OrderBy(heartbeat => heartbeat.AgentId, StringComparer.Ordinal).ToList();
    }

    /// <summary>Writes <paramref name="heartbeats"/> (one per agent, see <see cref="LastPerAgent"/>); returns the agent rows updated.</summary>
    public async Task<int> WriteAsync(IReadOnlyList<Heartbeat> heartbeats, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand(Sql);
        command.Parameters.Add(Texts("ids", heartbeats, heartbeat => heartbeat.AgentId));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]>("received_at", heartbeats.Select(heartbeat => heartbeat.ReceivedAt).ToArray()));
        command.Parameters.Add(Texts("versions", heartbeats, heartbeat => heartbeat.Version));
        command.Parameters.Add(Texts("hostnames", heartbeats, heartbeat => heartbeat.Hostname));
        command.Parameters.Add(Texts("oses", heartbeats, heartbeat => heartbeat.Os));
        command.Parameters.Add(Texts("architectures", heartbeats, heartbeat => heartbeat.Architecture));
        command.Parameters.Add(Texts("ip_addresses", heartbeats, heartbeat => heartbeat.IpAddress));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", time.GetUtcNow()));
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static NpgsqlParameter<string[]> Texts(string name, IReadOnlyList<Heartbeat> heartbeats, Func<Heartbeat, string> column) =>
        new(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = heartbeats.Select(column).ToArray() };
}
