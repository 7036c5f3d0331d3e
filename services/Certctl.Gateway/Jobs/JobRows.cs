using Npgsql;

namespace Certctl.Gateway.Jobs;

/// <summary>The job select list and its reader.</summary>
internal static class JobRows
{
    /// <summary>Columns of <c>jobs j</c> in <see cref="Read"/>'s order.</summary>
    public const string Columns = """
        j.id, j.type, j.certificate_id, j.target_id, j.agent_id, j.status, j.attempts, j.max_attempts, j.last_error,
        j.scheduled_at, j.started_at, j.completed_at, j.requested_by, j.approved_by, j.approval_decided_at,
        j.verification_status, j.verified_at, j.verification_error, j.verification_fingerprint, j.created_at, j.updated_at
        """;

    public static JobResponse Read(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        Text(reader, 3),
        Text(reader, 4),
        reader.GetString(5),
        reader.GetInt32(6),
        reader.GetInt32(7),
        Text(reader, 8),
        reader.GetFieldValue<DateTimeOffset>(9),
        Timestamp(reader, 10),
        Timestamp(reader, 11),
        Text(reader, 12),
        Text(reader, 13),
        Timestamp(reader, 14),
        reader.GetString(15),
        Timestamp(reader, 16),
        Text(reader, 17),
        Text(reader, 18),
        reader.GetFieldValue<DateTimeOffset>(19),
        reader.GetFieldValue<DateTimeOffset>(20));

    /// <summary>One job by id, or null.</summary>
    public static async Task<JobResponse?> FindAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string id, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM jobs j WHERE j.id = @id", connection, transaction);
        command.Parameters.Add(Certificates.CertificateRows.Text("id", id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    internal static string? Text(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    internal static DateTimeOffset? Timestamp(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);
}
