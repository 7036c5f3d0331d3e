using System.Security.Claims;
using Certctl.Domain;
using Certctl.Gateway.Auth;
using Certctl.Gateway.Jobs;
using Certctl.Gateway.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Certctl.Gateway.Certificates;

/// <summary><c>POST /certificates/{id}/renew</c>: one job per certificate, guarded by the jobs' partial unique index.</summary>
public static class CertificateRenewal
{
    /// <summary>
    /// In one transaction: locks the certificate, refuses Archived/Expired/Revoked, inserts the job (Issuance when the
    /// certificate was never issued, else Renewal; AwaitingApproval behind an approval profile, else AwaitingCSR for agent
    /// keygen, else Pending), the approval request when gated, the status change and the <c>renewal_triggered</c> audit row.
    /// </summary>
    public static async Task<Results<Accepted<RenewalTriggered>, NotFound>> Renew(
        string id, ClaimsPrincipal user, NpgsqlDataSource db, JobsQueuedNotice notice, CancellationToken cancellationToken)
    {
        var actor = user.GetOperator().Name;
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var certificate = await LockAsync(connection, transaction, id, cancellationToken);
        if (certificate is null)
        {
            return TypedResults.NotFound();
        }

        if (certificate.Status is CertificateStatus.Archived or CertificateStatus.Expired or CertificateStatus.Revoked)
        {
            throw new DomainProblemException(StatusCodes.Status409Conflict, "Cannot renew",
                $"Certificate {id} is {certificate.Status.ToWire()}; it cannot be renewed.");
        }

        var jobType = certificate.ExpiresAt is null ? JobType.Issuance : JobType.Renewal;
        var jobStatus = certificate.RequiresApproval ? JobStatus.AwaitingApproval
            : certificate.KeygenMode == KeygenMode.Agent ? JobStatus.AwaitingCsr
            : JobStatus.Pending;
        var jobId = CertificateEndpoints.Ids.NewId(IdPrefix.Job);

        // The partial unique index (one active Issuance/Renewal per certificate) decides, not a prior SELECT: concurrent
        // renews, bulk renew and the scheduler all race on it, and the loser inserts nothing.
        await using (var insert = new NpgsqlCommand(
            """
            INSERT INTO jobs (id, type, certificate_id, status, max_attempts, requested_by)
            VALUES (@job_id, @type, @certificate_id, @status, @max_attempts, @actor)
            ON CONFLICT DO NOTHING
            """, connection, transaction))
        {
            insert.Parameters.AddRange(new NpgsqlParameter[]
            {
                CertificateRows.Text("job_id", jobId),
                CertificateRows.Text("type", jobType.ToWire()),
                CertificateRows.Text("certificate_id", id),
                CertificateRows.Text("status", jobStatus.ToWire()),
                new NpgsqlParameter<int>("max_attempts", certificate.MaxAttempts),
                CertificateRows.Text("actor", actor),
            });
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                throw new DomainProblemException(StatusCodes.Status409Conflict, "Renewal already in progress",
                    $"Certificate {id} already has an active issuance or renewal job.");
            }
        }

        if (certificate.RequiresApproval)
        {
            await using var approval = new NpgsqlCommand(
                """
                INSERT INTO issuance_approval_requests (id, certificate_id, job_id, profile_id, requested_by, metadata)
                VALUES (@id, @certificate_id, @job_id, @profile_id, @actor, @metadata)
                """, connection, transaction);
            approval.Parameters.AddRange(new NpgsqlParameter[]
            {
                CertificateRows.Text("id", $"ar-{Guid.CreateVersion7():N}"),
                CertificateRows.Text("certificate_id", id),
                CertificateRows.Text("job_id", jobId),
                CertificateRows.Text("profile_id", certificate.ProfileId),
                CertificateRows.Text("actor", actor),
                CertificateRows.Json("metadata", new Dictionary<string, string> { ["common_name"] = certificate.CommonName }),
            });
            await approval.ExecuteNonQueryAsync(cancellationToken);
        }

        // A never-issued certificate stays Pending while its first issuance runs (the state machine has no
        // Pending → RenewalInProgress edge); RenewalInProgress with a finished job just gets a new one.
        if (certificate.Status is not (CertificateStatus.Pending or CertificateStatus.RenewalInProgress))
        {
            CertificateEndpoints.EnsureTransition(id, certificate.Status, CertificateStatus.RenewalInProgress);
            await using var update = new NpgsqlCommand(
                "UPDATE managed_certificates SET status = 'RenewalInProgress', updated_at = now() WHERE id = @id", connection, transaction);
            update.Parameters.Add(CertificateRows.Text("id", id));
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        await CertificateRows.AuditAsync(connection, transaction, actor, "renewal_triggered", id,
            new Dictionary<string, string> { ["job_id"] = jobId, ["job_type"] = jobType.ToWire(), ["job_status"] = jobStatus.ToWire() },
            cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (jobStatus == JobStatus.Pending)
        {
            await notice.PublishAsync(1, "renew");
        }

        return TypedResults.Accepted($"/api/v1/jobs/{jobId}",
            new RenewalTriggered("renewal_triggered", jobId, jobType.ToWire(), jobStatus.ToWire()));
    }

    private static async Task<LockedCertificate?> LockAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string id, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT c.status, c.expires_at, c.keygen_mode, c.common_name, c.certificate_profile_id,
                   COALESCE(p.requires_approval, FALSE), COALESCE(rp.max_retries + 1, 3)
            FROM managed_certificates c
            LEFT JOIN certificate_profiles p ON p.id = c.certificate_profile_id
            LEFT JOIN renewal_policies rp ON rp.id = c.renewal_policy_id
            WHERE c.id = @id
            FOR UPDATE OF c
            """, connection, transaction);
        command.Parameters.Add(CertificateRows.Text("id", id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new LockedCertificate(
            WireNames<CertificateStatus>.Parse(reader.GetString(0)),
            reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1),
            WireNames<KeygenMode>.Parse(reader.GetString(2)),
            reader.GetString(3),
            reader.IsDBNull(4) ? null : reader.GetString(4),
            reader.GetBoolean(5),
            reader.GetInt32(6));
    }

    private sealed record LockedCertificate(
        CertificateStatus Status, DateTimeOffset? ExpiresAt, KeygenMode KeygenMode, string CommonName, string? ProfileId,
        bool RequiresApproval, int MaxAttempts);
}
