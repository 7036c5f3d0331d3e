using Certctl.Scheduler.Loops;
using Npgsql;

namespace Certctl.Scheduler.Expiry;

/// <summary>
/// Moves certificates of short-lived profiles (<c>allow_short_lived</c>, <c>0 &lt; max_ttl_seconds &lt; 3600</c>) that are past their expiry
/// from Active or Expiring to Expired, with one <c>short_lived_cert_expired</c> audit row each. For these certificates expiry takes the
/// place of revocation (they are kept out of CRLs and OCSP), and they get no expiry alerts (<see cref="ExpiryAlertScan"/>).
/// </summary>
/// <remarks>Safe on every replica at once: the update re-checks the status under the row lock, so a certificate is expired (and audited) once.</remarks>
public sealed class ShortLivedExpiry(NpgsqlDataSource dataSource, TimeProvider timeProvider) : ILoopWork
{
    public const string LoopName = "short-lived-expiry";

    /// <summary>Certificates expired per statement, so one run's transaction stays short after an outage.</summary>
    public const int BatchSize = 5_000;

    private const string Sql = """
        WITH due AS (
            SELECT c.id
            FROM managed_certificates c
            JOIN certificate_profiles p ON p.id = c.certificate_profile_id
            WHERE c.status IN ('Active', 'Expiring') AND c.expires_at < @now
              AND p.allow_short_lived AND p.max_ttl_seconds BETWEEN 1 AND 3599
            ORDER BY c.expires_at
            LIMIT @batch
            FOR UPDATE OF c SKIP LOCKED
        ),
        expired AS (
            UPDATE managed_certificates c SET status = 'Expired', updated_at = @now
            FROM due
            WHERE c.id = due.id
            RETURNING c.id, c.expires_at
        ),
        audit AS (
            INSERT INTO audit_events (actor, actor_type, action, resource_type, resource_id, details)
            SELECT 'scheduler', 'System', 'short_lived_cert_expired', 'certificate', e.id, jsonb_build_object('expires_at', e.expires_at)
            FROM expired e
        )
        SELECT count(*)::int FROM expired
        """;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        int expired;
        do
        {
            await using var command = dataSource.CreateCommand(Sql);
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", timeProvider.GetUtcNow()));
            command.Parameters.Add(new NpgsqlParameter<int>("batch", BatchSize));
            expired = (int)(await command.ExecuteScalarAsync(cancellationToken))!;
            total += expired;
        }
        while (expired == BatchSize);

        return total;
    }
}
