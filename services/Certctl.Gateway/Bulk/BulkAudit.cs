using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Certctl.Gateway.Bulk;

/// <summary>The one summary audit row of a bulk operation (<c>resource_type certificate</c>, <c>resource_id bulk</c>).</summary>
internal static class BulkAudit
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static async Task WriteAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string actor, string action, object details, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "INSERT INTO audit_events (actor, actor_type, action, resource_type, resource_id, details) VALUES (@actor, 'User', @action, 'certificate', 'bulk', @details)",
            connection, transaction);
        command.Parameters.Add(new NpgsqlParameter("actor", NpgsqlDbType.Text) { Value = actor });
        command.Parameters.Add(new NpgsqlParameter("action", NpgsqlDbType.Text) { Value = action });
        command.Parameters.Add(new NpgsqlParameter("details", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(details, Json) });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
