using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Certctl.AgentIngest;

/// <summary>Audit rows for what agents do (actor = the agent id, actor type <c>Agent</c>), written in the caller's transaction.</summary>
internal static class AgentAudit
{
    public static async Task WriteAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string agentId, string action, string resourceType, string resourceId,
        object details, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "INSERT INTO audit_events (actor, actor_type, action, resource_type, resource_id, details) VALUES (@actor, 'Agent', @action, @type, @id, @details)",
            connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string>("actor", agentId));
        command.Parameters.Add(new NpgsqlParameter<string>("action", action));
        command.Parameters.Add(new NpgsqlParameter<string>("type", resourceType));
        command.Parameters.Add(new NpgsqlParameter<string>("id", resourceId));
        command.Parameters.Add(new NpgsqlParameter("details", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(details, JsonOptions) });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}
