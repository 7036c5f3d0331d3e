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

    /// <summary>The <c>details</c> column's JSON for <paramref name="details"/> (snake_case names), for SQL that writes audit rows itself.</summary>
    public static string Details(object details) => JsonSerializer.Serialize(details, JsonOptions);

    /// <summary>The actor string of an account.</summary>
    public static string Actor(string accountId) => "acme:" + accountId;

    /// <summary>The same row as a batch command, for writes that go to the database in one round trip.</summary>
    public static NpgsqlBatchCommand Command(string accountId, string action, string resourceType, string resourceId, object details) =>
        Command(Actor(accountId), "User", action, resourceType, resourceId, details);

    /// <summary>A row for another actor (e.g. <c>acme-cert-key:&lt;serial&gt;</c> for a revocation signed by the certificate's key).</summary>
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
                new NpgsqlParameter("details", NpgsqlDbType.Jsonb) { Value = Details(details) },
            },
        };
}
