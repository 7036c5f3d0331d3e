using Certctl.Domain;
using Npgsql;

namespace Certctl.CaConnector.Revocation;

/// <summary>The SQL of telling issuers: read a revocation, count a delivery before the issuer is called, record its answer.</summary>
public sealed class RevocationStore(NpgsqlDataSource db, TimeProvider time)
{
    /// <summary>The revocation of <paramref name="serialNumber"/> at <paramref name="issuerId"/>, or null when there is none.</summary>
    public async Task<RevocationRecord?> FindAsync(string issuerId, string serialNumber, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            SELECT certificate_id, reason, revoked_at, issuer_notified, notify_attempts
            FROM certificate_revocations WHERE issuer_id = @issuer_id AND serial_number = @serial
            """);
        AddKey(command, issuerId, serialNumber);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new RevocationRecord(reader.GetString(0), issuerId, serialNumber, WireNames<RevocationReason>.Parse(reader.GetString(1)),
                reader.GetFieldValue<DateTimeOffset>(2), reader.GetBoolean(3), reader.GetInt32(4))
            : null;
    }

    /// <summary>Counts this delivery before the issuer is called, so a crash mid-call still spends budget.</summary>
    public Task RecordAttemptAsync(string issuerId, string serialNumber, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE certificate_revocations SET notify_attempts = notify_attempts + 1 WHERE issuer_id = @issuer_id AND serial_number = @serial AND NOT issuer_notified",
            issuerId, serialNumber, cancellationToken);

    /// <summary>The issuer knows: <c>issuer_notified</c> is set once, with the time.</summary>
    public Task MarkNotifiedAsync(string issuerId, string serialNumber, CancellationToken cancellationToken) =>
        ExecuteAsync("""
            UPDATE certificate_revocations SET issuer_notified = TRUE, notified_at = @now, notify_error = NULL
            WHERE issuer_id = @issuer_id AND serial_number = @serial AND NOT issuer_notified
            """, issuerId, serialNumber, cancellationToken, new NpgsqlParameter<DateTimeOffset>("now", time.GetUtcNow()));

    /// <summary>A permanent refusal: the error is kept and the budget closed, so the sweep stops re-sending.</summary>
    public Task MarkRefusedAsync(string issuerId, string serialNumber, string error, CancellationToken cancellationToken) =>
        ExecuteAsync($"""
            UPDATE certificate_revocations SET notify_error = @error, notify_attempts = GREATEST(notify_attempts, {IssuerNotification.MaxAttempts})
            WHERE issuer_id = @issuer_id AND serial_number = @serial AND NOT issuer_notified
            """, issuerId, serialNumber, cancellationToken, Error(error));

    /// <summary>A transient failure whose retries are spent: kept for the operator; the sweep re-sends while budget remains.</summary>
    public Task RecordErrorAsync(string issuerId, string serialNumber, string error, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE certificate_revocations SET notify_error = @error WHERE issuer_id = @issuer_id AND serial_number = @serial AND NOT issuer_notified",
            issuerId, serialNumber, cancellationToken, Error(error));

    private static NpgsqlParameter<string> Error(string error) => new("error", error.Length > 2000 ? error[..2000] : error);

    private async Task ExecuteAsync(string sql, string issuerId, string serialNumber, CancellationToken cancellationToken, params NpgsqlParameter[] more)
    {
        await using var command = db.CreateCommand(sql);
        AddKey(command, issuerId, serialNumber);
        command.Parameters.AddRange(more);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void AddKey(NpgsqlCommand command, string issuerId, string serialNumber)
    {
        command.Parameters.Add(new NpgsqlParameter<string>("issuer_id", issuerId));
        command.Parameters.Add(new NpgsqlParameter<string>("serial", serialNumber));
    }
}
