using Certctl.Scheduler.Loops;
using Npgsql;

namespace Certctl.Scheduler.Leases;

/// <summary>
/// Finds Running issuance/renewal jobs whose lease expired (a lost message, a crashed consumer) and makes them Pending for the dispatcher
/// again, or Failed when that was their last attempt.
/// </summary>
/// <remarks>
/// Attempts are counted once, by the dispatcher when it claims a job; the sweeper does not count again. So a lost dispatch spends the
/// attempt it was (the consumer may have called the CA), and a job whose lease lapses on its last attempt fails instead of being dispatched
/// beyond <c>max_attempts</c>. The job id keeps a late duplicate harmless: the CA connector issues at most one version per job.
/// </remarks>
public sealed class LeaseSweeper(NpgsqlDataSource dataSource, TimeProvider timeProvider) : ILoopWork
{
    public const string LoopName = "lease-sweep";

    private const string Sql = """
        WITH expired AS (
            SELECT id FROM jobs
            WHERE status = 'Running' AND type IN ('Issuance', 'Renewal') AND lease_expires_at <= @now
            FOR UPDATE SKIP LOCKED
        )
        UPDATE jobs j
        SET status = CASE WHEN j.attempts < j.max_attempts THEN 'Pending' ELSE 'Failed' END,
            last_error = 'lease expired after attempt ' || j.attempts || ' without a result',
            next_attempt_at = @now, lease_expires_at = NULL, updated_at = @now
        FROM expired
        WHERE j.id = expired.id
        """;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", timeProvider.GetUtcNow()));
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
