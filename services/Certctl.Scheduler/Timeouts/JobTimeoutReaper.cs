using Certctl.Scheduler.Loops;
using Certctl.Scheduler.Options;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Certctl.Scheduler.Timeouts;

/// <summary>
/// Ends jobs parked too long: AwaitingCSR past its timeout fails (spending an attempt, so the retry loop cannot cycle it forever);
/// AwaitingApproval past its timeout is cancelled with its approval request expired and the certificate shown Failed, never retried.
/// </summary>
/// <remarks>Age is measured from when the job entered the state (<c>updated_at</c>), not from its creation, so a retried job gets a full wait.</remarks>
public sealed class JobTimeoutReaper(NpgsqlDataSource dataSource, TimeProvider timeProvider, IOptions<SchedulerOptions> options) : ILoopWork
{
    public const string LoopName = "job-timeout";

    private const string Sql = """
        WITH csr AS (
            UPDATE jobs SET status = 'Failed', attempts = attempts + 1, updated_at = @now,
                            last_error = 'timed out in AwaitingCSR after ' || @csr_label
            WHERE status = 'AwaitingCSR' AND updated_at <= @now - @csr_ttl * interval '1 second'
            RETURNING id
        ),
        approval AS (
            UPDATE jobs SET status = 'Cancelled', completed_at = @now, updated_at = @now,
                            last_error = 'approval expired after ' || @approval_label
            WHERE status = 'AwaitingApproval' AND updated_at <= @now - @approval_ttl * interval '1 second'
            RETURNING id, certificate_id, last_error
        ),
        expired AS (
            UPDATE issuance_approval_requests r SET state = 'expired', decided_by = 'scheduler', decided_at = @now,
                                                   decision_note = a.last_error, updated_at = @now
            FROM approval a
            WHERE r.job_id = a.id AND r.state = 'pending'
        ),
        failed_certificates AS (
            UPDATE managed_certificates c SET status = 'Failed', last_error = a.last_error, updated_at = @now
            FROM approval a
            WHERE c.id = a.certificate_id AND c.status IN ('RenewalInProgress', 'Pending')
        )
        SELECT (SELECT count(*) FROM csr)::int + (SELECT count(*) FROM approval)::int
        """;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        await using var command = dataSource.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", timeProvider.GetUtcNow()));
        command.Parameters.Add(new NpgsqlParameter<double>("csr_ttl", settings.AwaitingCsr.TotalSeconds));
        command.Parameters.Add(new NpgsqlParameter<string>("csr_label", settings.AwaitingCsrTimeout));
        command.Parameters.Add(new NpgsqlParameter<double>("approval_ttl", settings.AwaitingApproval.TotalSeconds));
        command.Parameters.Add(new NpgsqlParameter<string>("approval_label", settings.AwaitingApprovalTimeout));
        return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
