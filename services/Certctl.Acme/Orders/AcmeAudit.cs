using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Certctl.Acme.Orders;

/// <summary>Audit rows for what ACME clients do (actor <c>acme:&lt;account id&gt;</c>, actor type <c>User</c>), in the caller's transaction or batch.</summary>
public static class AcmeAudit
{
    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>The actor string of an account.</summary>
    public static string Actor(string accountId) => "acme:" + accountId;

    public static NpgsqlBatchCommand Command(string accountId, string action, string resourceType, string resourceId, object details) =>
        Command(Actor(accountId), "User", action, resourceType, resourceId, details);

    public static NpgsqlBatchCommand Command(string actor, string actorType, string action, string resourceType, string resourceId, object details) =>
        new("INSERT INTO audit_events (actor, actor_type, action, resource_type, resource_id, details) VALUES (@actor, @actor_type, @action, @type, @id, @details)")
        {
            Parameters =
            {
                new NpgsqlParameter<string>("actor", actor),
                new NpgsqlParameter<string>("actor_type", actorType),
                new NpgsqlParameter<string>("action", action),
                new NpgsqlParameter<string>("type", resourceType),
                new NpgsqlParameter<string>("id", resourceId),
                new NpgsqlParameter("details", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(details, JsonOptions) },
            },
        };
}
