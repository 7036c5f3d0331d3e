using Certctl.Domain;
using Certctl.Scheduler.Dispatch;
using Certctl.Scheduler.Loops;
using Npgsql;

namespace Certctl.Scheduler.Renewal;

/// <summary>
/// Finds every certificate inside its renewal window and gives it one renewal job, in a single statement whatever the fleet size.
/// </summary>
/// <remarks>
/// The window is the policy's: <c>renewal_window_days</c> before expiry, or, when <c>renewal_window_fraction</c> is set, once that
/// fraction of the lifetime (NotBefore of the latest version to expiry) has elapsed; without a known NotBefore, or without a policy,
/// days apply (30 by default). Only Active and Expiring certificates with <c>auto_renew</c> qualify: Pending ones have never been issued,
/// Failed ones gave up (an operator renews them) and Expired, Revoked and Archived ones are not renewed by the scheduler.
/// The job starts AwaitingApproval when the profile requires approval (with its approval request), AwaitingCSR in agent key mode,
/// Pending in server key mode; the partial unique index on active jobs turns a certificate that already has one into a skip.
/// Where the issuer offers ACME Renewal Information, a certificate is also due once the renewal time the CA connector chose inside
/// the suggested window has passed (<c>certificate_renewal_info.renew_at</c>), even before the policy's window opens; that time counts
/// only while it belongs to the certificate's current version (its NotAfter is the certificate's expiry).
/// </remarks>
public sealed class RenewalScan(
    NpgsqlDataSource dataSource, TimeProvider timeProvider, [FromKeyedServices(JobDispatcher.LoopName)] LoopWakeup? dispatch = null)
    : ILoopWork
{
    /// <summary>The loop's name in logs, metrics and its advisory lock.</summary>
    public const string LoopName = "renewal-scan";

    /// <summary>Who the scheduler's jobs and approval requests are requested by.</summary>
    public const string Actor = "scheduler";

    private static readonly string Sql = $"""
        WITH ari AS (
            -- Certificates whose ARI renewal time has passed, read through the partial renew_at index; a hashed set, so the
            -- scan pays one probe per certificate instead of a join.
            SELECT certificate_id, not_after FROM certificate_renewal_info WHERE renew_at <= @now
        ),
        due AS (
            SELECT c.id AS certificate_id, c.keygen_mode, c.common_name, c.certificate_profile_id,
                   COALESCE(p.requires_approval, FALSE) AS gated, COALESCE(rp.max_retries + 1, 3) AS max_attempts,
                   (c.id, c.expires_at) IN (SELECT certificate_id, not_after FROM ari) AS ari_due,
                   {SqlEntityIds.Expression("job", "id_time")} AS job_id
            FROM managed_certificates c
            LEFT JOIN renewal_policies rp ON rp.id = c.renewal_policy_id
            LEFT JOIN certificate_profiles p ON p.id = c.certificate_profile_id
            LEFT JOIN LATERAL (
                SELECT v.not_before FROM certificate_versions v
                WHERE rp.renewal_window_fraction IS NOT NULL AND v.certificate_id = c.id
                ORDER BY v.created_at DESC
                LIMIT 1) latest ON TRUE
            WHERE c.status IN ('Active', 'Expiring')
              -- An ACME client renews its own certificates (with a new order, told when by renewal information); a job here
              -- would wait for a CSR that never comes.
              AND c.source <> 'ACME'
              AND c.expires_at IS NOT NULL
              AND COALESCE(rp.auto_renew, TRUE)
              AND (@now >= CASE
                    WHEN rp.renewal_window_fraction IS NOT NULL AND latest.not_before < c.expires_at
                        THEN latest.not_before + (c.expires_at - latest.not_before) * rp.renewal_window_fraction
                    ELSE c.expires_at - make_interval(days => COALESCE(rp.renewal_window_days, 30))
                  END
                OR (c.id, c.expires_at) IN (SELECT certificate_id, not_after FROM ari))
        ),
        created AS (
            INSERT INTO jobs (id, type, certificate_id, status, max_attempts, requested_by, scheduled_at, next_attempt_at, created_at, updated_at)
            SELECT d.job_id, 'Renewal', d.certificate_id,
                   CASE WHEN d.gated THEN 'AwaitingApproval' WHEN d.keygen_mode = 'agent' THEN 'AwaitingCSR' ELSE 'Pending' END,
                   d.max_attempts, @actor, @now, @now, @now, @now
            FROM due d
            ORDER BY d.certificate_id
            ON CONFLICT DO NOTHING
            RETURNING id, certificate_id, status
        ),
        approvals AS (
            INSERT INTO issuance_approval_requests (id, certificate_id, job_id, profile_id, requested_by, metadata, created_at, updated_at)
            SELECT 'ar-' || replace(gen_random_uuid()::text, '-', ''), j.certificate_id, j.id, d.certificate_profile_id, @actor,
                   jsonb_build_object('common_name', d.common_name, 'trigger', 'renewal_scan'), @now, @now
            FROM created j
            JOIN due d ON d.certificate_id = j.certificate_id
            WHERE j.status = 'AwaitingApproval'
        ),
        moved AS (
            UPDATE managed_certificates c SET status = 'RenewalInProgress', updated_at = @now
            FROM created j
            WHERE c.id = j.certificate_id
        ),
        audit AS (
            INSERT INTO audit_events (actor, actor_type, action, resource_type, resource_id, details)
            SELECT @actor, 'System', 'renewal_jobs_created', 'certificate', 'renewal-scan',
                   jsonb_build_object('created', count(*),
                                      'awaiting_approval', count(*) FILTER (WHERE status = 'AwaitingApproval'),
                                      'awaiting_csr', count(*) FILTER (WHERE status = 'AwaitingCSR'),
                                      'pending', count(*) FILTER (WHERE status = 'Pending'),
                                      'ari_window_reached', count(*) FILTER (WHERE certificate_id IN (SELECT certificate_id FROM due WHERE ari_due)))
            FROM created
            HAVING count(*) > 0
        )
        SELECT count(*)::int FROM created
        """;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var command = dataSource.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
        command.Parameters.Add(new NpgsqlParameter<string>("id_time", SqlEntityIds.TimestampPart(now)));
        command.Parameters.Add(new NpgsqlParameter<string>("actor", Actor));
        var created = (int)(await command.ExecuteScalarAsync(cancellationToken))!;
        if (created > 0)
        {
            dispatch?.Wake(); // the new jobs go out now, not at the dispatcher's next tick
        }

        return created;
    }
}
