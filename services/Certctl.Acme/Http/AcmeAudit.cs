using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Certctl.Acme.Http;

/// <summary>Audit rows for what ACME clients do (actor <c>acme:&lt;account-id&gt;</c>, actor type <c>User</c>), written in the caller's transaction.</summary>
public static class AcmeAudit
{
    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static async Task WriteAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string accountId, string action, string resourceType, string resourceId,
        object details, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "INSERT INTO audit_events (actor, actor_type, action, resource_type, resource_id, details) VALUES ($1, 'User', $2, $3, $4, $5)",
            connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = "acme:" + accountId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = action });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = resourceType });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = resourceId });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = JsonSerializer.Serialize(details, JsonOptions) });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
