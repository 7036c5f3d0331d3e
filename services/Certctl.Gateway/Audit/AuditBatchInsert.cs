using Npgsql;
using NpgsqlTypes;

namespace Certctl.Gateway.Audit;

/// <summary>Writes a batch of audit rows with one INSERT … SELECT FROM unnest(arrays): one round trip per batch, not per row.</summary>
public sealed class AuditBatchInsert(NpgsqlDataSource dataSource)
{
    private const string Sql = """
        INSERT INTO audit_events (actor, actor_type, action, resource_type, resource_id, details,
                                  request_id, body_sha256, status_code, latency_ms, occurred_at)
        SELECT * FROM unnest($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
        """;

    /// <summary>Inserts every row of <paramref name="batch"/> in one statement (so all or none).</summary>
    public async Task WriteAsync(IReadOnlyList<AuditRecord> batch, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Sql);
        command.Parameters.Add(Texts(batch, row => row.Actor));
        command.Parameters.Add(Texts(batch, row => row.ActorType));
        command.Parameters.Add(Texts(batch, row => row.Action));
        command.Parameters.Add(Texts(batch, row => row.ResourceType));
        command.Parameters.Add(Texts(batch, row => row.ResourceId));
        command.Parameters.Add(Array(batch, row => row.DetailsJson, NpgsqlDbType.Jsonb));
        command.Parameters.Add(Texts(batch, row => row.RequestId));
        command.Parameters.Add(Texts(batch, row => row.BodySha256));
        command.Parameters.Add(Array(batch, row => row.StatusCode, NpgsqlDbType.Integer));
        command.Parameters.Add(Array(batch, row => row.LatencyMs, NpgsqlDbType.Integer));
        command.Parameters.Add(Array(batch, row => row.OccurredAt, NpgsqlDbType.TimestampTz));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static NpgsqlParameter Texts(IReadOnlyList<AuditRecord> batch, Func<AuditRecord, string?> column) =>
        Array(batch, column, NpgsqlDbType.Text);

    private static NpgsqlParameter Array<T>(IReadOnlyList<AuditRecord> batch, Func<AuditRecord, T> column, NpgsqlDbType elementType)
    {
        var values = new T[batch.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = column(batch[i]);
        }

        return new NpgsqlParameter { Value = values, NpgsqlDbType = NpgsqlDbType.Array | elementType };
    }
}
