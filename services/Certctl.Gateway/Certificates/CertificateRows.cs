using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Certctl.Gateway.Certificates;

/// <summary>The certificate SQL shared by the endpoints: the select list (with target ids), the row reader and small writers.</summary>
internal static class CertificateRows
{
    /// <summary>
    /// Columns of <c>managed_certificates c</c> in <see cref="Read"/>'s order. The target ids are aggregated by a
    /// correlated subquery in the same statement (primary-key lookups on the mapping table), never one query per row.
    /// </summary>
    public const string Columns = """
        c.id, c.name, c.common_name, c.sans, c.environment, c.owner_id, c.team_id, c.issuer_id,
        COALESCE((SELECT array_agg(m.target_id ORDER BY m.target_id) FROM certificate_target_mappings m WHERE m.certificate_id = c.id), '{}') AS target_ids,
        c.renewal_policy_id, c.certificate_profile_id, c.keygen_mode, c.status, c.expires_at, c.tags::text,
        c.last_renewal_at, c.last_deployment_at, c.revoked_at, c.revocation_reason, c.source, c.created_at, c.updated_at
        """;

    public static CertificateResponse Read(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetFieldValue<string[]>(3),
        reader.GetString(4),
        NullableString(reader, 5),
        NullableString(reader, 6),
        reader.GetString(7),
        reader.GetFieldValue<string[]>(8),
        NullableString(reader, 9),
        NullableString(reader, 10),
        reader.GetString(11),
        reader.GetString(12),
        NullableTimestamp(reader, 13),
        JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(14)) ?? [],
        NullableTimestamp(reader, 15),
        NullableTimestamp(reader, 16),
        NullableTimestamp(reader, 17),
        NullableString(reader, 18),
        reader.GetString(19),
        reader.GetFieldValue<DateTimeOffset>(20),
        reader.GetFieldValue<DateTimeOffset>(21));

    /// <summary>One certificate by id inside <paramref name="transaction"/> (or on its own), or null.</summary>
    public static async Task<CertificateResponse?> FindAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string id, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM managed_certificates c WHERE c.id = @id", connection, transaction);
        command.Parameters.Add(Text("id", id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <summary>
    /// Makes the certificate's mappings exactly <paramref name="targetIds"/>, set-based, and touches the certificate row so
    /// the list ETag (the <c>managed_certificates</c> counter) changes with its <c>target_ids</c>. An unknown target is a 422.
    /// </summary>
    public static async Task ReplaceTargetsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string certificateId, string[] targetIds, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new("DELETE FROM certificate_target_mappings WHERE certificate_id = @id AND NOT (target_id = ANY (@targets))")
                {
                    Parameters = { Text("id", certificateId), TextArray("targets", targetIds) },
                },
                new("INSERT INTO certificate_target_mappings (certificate_id, target_id) SELECT @id, t FROM unnest(@targets) AS t ON CONFLICT DO NOTHING")
                {
                    Parameters = { Text("id", certificateId), TextArray("targets", targetIds) },
                },
                new("UPDATE managed_certificates SET updated_at = now() WHERE id = @id")
                {
                    Parameters = { Text("id", certificateId) },
                },
            },
        };
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Writes a service-level audit row (a user's action on a certificate) in the caller's transaction.</summary>
    public static async Task AuditAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string actor, string action, string certificateId,
        object details, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "INSERT INTO audit_events (actor, actor_type, action, resource_type, resource_id, details) VALUES (@actor, 'User', @action, 'certificate', @id, @details)",
            connection, transaction);
        command.Parameters.Add(Text("actor", actor));
        command.Parameters.Add(Text("action", action));
        command.Parameters.Add(Text("id", certificateId));
        command.Parameters.Add(Json("details", details));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static NpgsqlParameter Text(string name, string? value) =>
        new(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value };

    public static NpgsqlParameter TextArray(string name, string[]? value) =>
        new(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value };

    public static NpgsqlParameter Json(string name, object? value) =>
        new(name, NpgsqlDbType.Jsonb) { Value = value is null ? DBNull.Value : JsonSerializer.Serialize(value) };

    public static NpgsqlParameter Timestamp(string name, DateTimeOffset? value) =>
        new(name, NpgsqlDbType.TimestampTz) { Value = value is { } at ? at.ToUniversalTime() : DBNull.Value };

    private static string? NullableString(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static DateTimeOffset? NullableTimestamp(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);
}
