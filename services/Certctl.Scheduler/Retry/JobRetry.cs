using Certctl.Scheduler.Loops;
using Certctl.Scheduler.Options;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Certctl.Scheduler.Retry;

/// <summary>
/// Re-queues failed issuance/renewal jobs that have attempts left once their backoff has passed, and shows the certificate as Failed
/// (with the job's last error) when its latest job has spent every attempt.
/// </summary>
/// <remarks>
/// Backoff after the n-th attempt is <c>CERTCTL_JOB_RETRY_BACKOFF_BASE × 2^(n−1)</c>, capped at <c>CERTCTL_JOB_RETRY_BACKOFF_MAX</c>,
/// measured from when the job failed (<c>updated_at</c>), or later when a writer set <c>next_attempt_at</c>. A job whose certificate
/// already has another active job (a manual renew after the failure) stays Failed: the unique index allows one active job.
/// </remarks>
public sealed class JobRetry(NpgsqlDataSource dataSource, TimeProvider timeProvider, IOptions<SchedulerOptions> options) : ILoopWork
{
    public const string LoopName = "job-retry";

    private const string Sql = """
        WITH requeued AS (
            UPDATE jobs j SET status = 'Pending', next_attempt_at = @now, lease_expires_at = NULL, updated_at = @now
            WHERE j.status = 'Failed' AND j.attempts < j.max_attempts AND j.type IN ('Issuance', 'Renewal')
              AND GREATEST(j.next_attempt_at,
                           j.updated_at + LEAST(@base * power(2, GREATEST(j.attempts - 1, 0)), @max) * interval '1 second') <= @now
              AND NOT EXISTS (
                  SELECT 1 FROM jobs a
                  WHERE a.certificate_id = j.certificate_id AND a.id <> j.id AND a.type IN ('Issuance', 'Renewal')
                    AND a.status IN ('Pending', 'AwaitingCSR', 'AwaitingApproval', 'AwaitingIssuer', 'Running'))
            RETURNING j.id
        ),
        exhausted AS (
            -- From the exhausted jobs (jobs_exhausted_idx), not from every certificate in progress: the latest job only.
            UPDATE managed_certificates c SET status = 'Failed', last_error = COALESCE(f.last_error, 'renewal failed'), updated_at = @now
            FROM jobs f
            WHERE f.status = 'Failed' AND f.attempts >= f.max_attempts AND f.type IN ('Issuance', 'Renewal')
              AND c.id = f.certificate_id
              AND c.status IN ('RenewalInProgress', 'Pending')
              AND NOT EXISTS (
                  SELECT 1 FROM jobs n
                  WHERE n.certificate_id = f.certificate_id AND n.type IN ('Issuance', 'Renewal')
                    AND (n.created_at, n.id) > (f.created_at, f.id))
            RETURNING c.id
        )
        SELECT (SELECT count(*) FROM requeued)::int + (SELECT count(*) FROM exhausted)::int
        """;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        await using var command = dataSource.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", timeProvider.GetUtcNow()));
        command.Parameters.Add(new NpgsqlParameter<double>("base", settings.BackoffBase.TotalSeconds));
        command.Parameters.Add(new NpgsqlParameter<double>("max", settings.BackoffMax.TotalSeconds));
        return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
