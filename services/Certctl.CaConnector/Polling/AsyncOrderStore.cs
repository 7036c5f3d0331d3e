using Npgsql;
using NpgsqlTypes;

namespace Certctl.CaConnector.Polling;

/// <summary>
/// The SQL of async-CA orders on the <c>jobs</c> row: the submission intent, the parked order, the poller's claim and its
/// reschedules. A parked job has no lease (the scheduler's lease sweeper looks only at Running jobs) and spends no attempt while it waits.
/// </summary>
public sealed class AsyncOrderStore(NpgsqlDataSource db, TimeProvider time)
{
    /// <summary>
    /// Writes the intent before the irreversible step: the job goes to AwaitingIssuer without an order id, due for the
    /// poller only after <paramref name="grace"/> (then it finds a submission that never finished). Only one delivery wins;
    /// null when this one did not (the job is no longer Running). The winner gets the lease it took away.
    /// </summary>
    public async Task<SubmissionClaim?> BeginSubmissionAsync(string jobId, int attempt, TimeSpan grace, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            UPDATE jobs j SET status = 'AwaitingIssuer', issuer_order_id = NULL, issuer_polls = 0, poll_deadline_at = NULL,
                              issuer_key_encrypted = NULL, lease_expires_at = NULL, next_attempt_at = @now + @grace, updated_at = @now
            FROM (SELECT id, lease_expires_at FROM jobs WHERE id = @job_id FOR UPDATE) previous
            WHERE j.id = previous.id AND j.status = 'Running' AND j.attempts <= @attempt
            RETURNING previous.lease_expires_at
            """);
        var now = Add(command, jobId);
        command.Parameters.Add(new NpgsqlParameter<int>("attempt", attempt));
        command.Parameters.Add(new NpgsqlParameter<TimeSpan>("grace", grace));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new SubmissionClaim(reader.IsDBNull(0) ? now : reader.GetFieldValue<DateTimeOffset>(0))
            : null;
    }

    /// <summary>The submission failed before the CA took an order: the job is Running again, with its lease, for the retry policy.</summary>
    public async Task ResumeRunningAsync(string jobId, DateTimeOffset lease, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            UPDATE jobs SET status = 'Running', lease_expires_at = @lease, next_attempt_at = @now, updated_at = @now
            WHERE id = @job_id AND status = 'AwaitingIssuer' AND issuer_order_id IS NULL
            """);
        Add(command, jobId);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("lease", lease));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Records the CA's order on the parked job, with the first poll time and the deadline; false when the job was cancelled meanwhile.</summary>
    public async Task<bool> ParkAsync(
        string jobId, string orderId, byte[]? encryptedKey, string? csrPem, DateTimeOffset deadline, DateTimeOffset nextPollAt, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            UPDATE jobs SET issuer_order_id = @order_id, issuer_key_encrypted = @key, csr_pem = COALESCE(csr_pem, @csr_pem), issuer_polls = 0,
                            poll_deadline_at = @deadline, next_attempt_at = @next, updated_at = @now
            WHERE id = @job_id AND status = 'AwaitingIssuer' AND issuer_order_id IS NULL
            """);
        Add(command, jobId);
        command.Parameters.Add(new NpgsqlParameter<string>("order_id", orderId));
        command.Parameters.Add(new NpgsqlParameter("key", NpgsqlDbType.Bytea) { Value = (object?)encryptedKey ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("csr_pem", NpgsqlDbType.Text) { Value = (object?)csrPem ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("deadline", deadline));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("next", nextPollAt));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>
    /// Claims up to <paramref name="batchSize"/> due parked jobs in one statement (<c>FOR UPDATE SKIP LOCKED</c>, so replicas
    /// share the work) by moving their next poll to <paramref name="claimedUntil"/>: a poller that dies mid-batch leaves them due again then.
    /// </summary>
    public async Task<IReadOnlyList<ParkedOrder>> ClaimDueAsync(int batchSize, DateTimeOffset claimedUntil, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            WITH due AS (
                SELECT id FROM jobs
                WHERE status = 'AwaitingIssuer' AND next_attempt_at <= @now
                ORDER BY next_attempt_at, id
                LIMIT @batch
                FOR UPDATE SKIP LOCKED)
            UPDATE jobs j SET next_attempt_at = @claimed_until
            FROM due, managed_certificates c
            WHERE j.id = due.id AND c.id = j.certificate_id
            RETURNING j.id, j.certificate_id, c.issuer_id, j.issuer_order_id, j.attempts, j.issuer_polls, j.poll_deadline_at,
                      j.issuer_key_encrypted, j.csr_pem, j.next_attempt_at
            """);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", time.GetUtcNow()));
        command.Parameters.Add(new NpgsqlParameter<int>("batch", batchSize));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("claimed_until", claimedUntil));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var claimed = new List<ParkedOrder>();
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed.Add(new ParkedOrder(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetInt32(4),
                reader.GetInt32(5),
                reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
                reader.IsDBNull(7) ? null : reader.GetFieldValue<byte[]>(7),
                reader.IsDBNull(8) ? null : reader.GetString(8),
                reader.GetFieldValue<DateTimeOffset>(9)));
        }

        return claimed;
    }

    /// <summary>Writes back every still-pending order of a batch in one statement; a row another poller claimed since is left alone.</summary>
    public async Task<int> RescheduleAsync(IReadOnlyCollection<PollReschedule> reschedules, CancellationToken cancellationToken)
    {
        if (reschedules.Count == 0)
        {
            return 0;
        }

        await using var command = db.CreateCommand("""
            UPDATE jobs j SET issuer_polls = u.polls, next_attempt_at = u.next_poll_at, poll_deadline_at = u.deadline, last_error = u.message,
                              updated_at = @now
            FROM unnest(@ids, @claimed, @polls, @next, @deadlines, @messages) AS u(id, claimed_until, polls, next_poll_at, deadline, message)
            WHERE j.id = u.id AND j.status = 'AwaitingIssuer' AND j.next_attempt_at = u.claimed_until
            """);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", time.GetUtcNow()));
        command.Parameters.Add(new NpgsqlParameter<string[]>("ids", [.. reschedules.Select(r => r.JobId)]));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]>("claimed", [.. reschedules.Select(r => r.ClaimedUntil)]));
        command.Parameters.Add(new NpgsqlParameter<int[]>("polls", [.. reschedules.Select(r => r.Polls)]));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]>("next", [.. reschedules.Select(r => r.NextPollAt)]));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]>("deadlines", [.. reschedules.Select(r => r.Deadline)]));
        command.Parameters.Add(new NpgsqlParameter<string[]>("messages", [.. reschedules.Select(r => r.Message.Length > 2000 ? r.Message[..2000] : r.Message)]));
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private DateTimeOffset Add(NpgsqlCommand command, string jobId)
    {
        var now = time.GetUtcNow();
        command.Parameters.Add(new NpgsqlParameter<string>("job_id", jobId));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
        return now;
    }
}

/// <summary>A won submission: the lease the job had, given back if the submission fails before the CA took the order.</summary>
public sealed record SubmissionClaim(DateTimeOffset PreviousLease);
