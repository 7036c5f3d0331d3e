using Certctl.Contracts;
using Certctl.Domain;
using Certctl.Issuance;
using MassTransit;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Certctl.AgentIngest.Csr;

/// <summary>
/// Takes an agent's CSR for the newest AwaitingCSR job of a certificate mapped to one of the agent's targets: checks it against
/// the certificate profile's key rules, moves the job to Running with the CSR, one more attempt and a lease (audit
/// <c>csr_submitted</c>, in the same transaction), then sends <see cref="IssueCertificate"/> to the CA connector.
/// </summary>
/// <remarks>
/// The send happens after the commit: if it is lost, the job's lease lapses, the scheduler's lease sweeper makes it Pending and
/// the dispatcher sends it again with the stored CSR. The CA connector completes the job and creates the deployment jobs.
/// </remarks>
public sealed partial class CsrSubmission(
    NpgsqlDataSource db, IPublishEndpoint publisher, TimeProvider time, IOptions<AgentIngestOptions> options, ILogger<CsrSubmission> logger)
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(10);

    private const string FindJob = """
        SELECT j.id, c.issuer_id, p.id IS NOT NULL, p.allowed_key_algorithms::text, p.max_ttl_seconds, p.allowed_ekus, p.must_staple
        FROM managed_certificates c
        JOIN jobs j ON j.certificate_id = c.id AND j.status = 'AwaitingCSR' AND j.type IN ('Issuance', 'Renewal')
        LEFT JOIN certificate_profiles p ON p.id = c.certificate_profile_id
        WHERE c.id = @certificate_id
        ORDER BY j.created_at DESC, j.id DESC
        LIMIT 1
        """;

    private const string IsMapped = """
        SELECT EXISTS (SELECT 1 FROM certificate_target_mappings m JOIN deployment_targets t ON t.id = m.target_id
                       WHERE m.certificate_id = @certificate_id AND t.agent_id = @agent_id AND t.retired_at IS NULL)
        """;

    private const string StartJob = """
        UPDATE jobs SET status = 'Running', csr_pem = @csr_pem, attempts = attempts + 1, lease_expires_at = @lease_until,
                        started_at = @now, last_error = NULL, updated_at = @now
        WHERE id = @job_id AND status = 'AwaitingCSR'
        RETURNING attempts
        """;

    /// <summary>What became of a submission.</summary>
    public enum Outcome
    {
        Accepted,
        NotMapped,
        NoJobAwaiting,
    }

    /// <summary>Submits <paramref name="csrPem"/>; the job id is set when accepted.</summary>
    /// <exception cref="InvalidCsrException">The CSR cannot be parsed or its signature does not verify.</exception>
    /// <exception cref="DisallowedKeyException">Its key is weak, unsupported, or not allowed by the certificate's profile.</exception>
    public async Task<(Outcome Outcome, string? JobId)> SubmitAsync(string agentId, string certificateId, string csrPem, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using (var mapped = new NpgsqlCommand(IsMapped, connection))
        {
            mapped.Parameters.Add(new NpgsqlParameter<string>("certificate_id", certificateId));
            mapped.Parameters.Add(new NpgsqlParameter<string>("agent_id", agentId));
            if (await mapped.ExecuteScalarAsync(cancellationToken) is not true)
            {
                return (Outcome.NotMapped, null);
            }
        }

        string jobId;
        string issuerId;
        IssuanceProfile profile;
        await using (var find = new NpgsqlCommand(FindJob, connection))
        {
            find.Parameters.Add(new NpgsqlParameter<string>("certificate_id", certificateId));
            await using var reader = await find.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return (Outcome.NoJobAwaiting, null);
            }

            jobId = reader.GetString(0);
            issuerId = reader.GetString(1);
            profile = reader.GetBoolean(2)
                ? ProfileColumns.ToProfile(reader.GetString(3), reader.GetInt32(4), reader.GetFieldValue<string[]>(5), reader.GetBoolean(6))
                : IssuanceProfile.Default;
        }

        // Refused here, before the job moves: a bad CSR leaves the job AwaitingCSR for a better one.
        ExternalCsr.Check(csrPem, profile);

        var now = time.GetUtcNow();
        int attempt;
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await using (var start = new NpgsqlCommand(StartJob, connection, transaction))
            {
                start.Parameters.Add(new NpgsqlParameter<string>("job_id", jobId));
                start.Parameters.Add(new NpgsqlParameter("csr_pem", NpgsqlDbType.Text) { Value = csrPem });
                start.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("lease_until", now + options.Value.CsrLease));
                start.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
                if (await start.ExecuteScalarAsync(cancellationToken) is not int started)
                {
                    return (Outcome.NoJobAwaiting, null); // another CSR (another agent of a shared certificate) took it first
                }

                attempt = started;
            }

            await AgentAudit.WriteAsync(connection, transaction, agentId, "csr_submitted", "job", jobId,
                new { certificate_id = certificateId, keygen_mode = "agent" }, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        try
        {
            using var publishing = new CancellationTokenSource(PublishTimeout, time);
            await publisher.Publish(new IssueCertificate(jobId, certificateId, issuerId, KeygenMode.Agent, csrPem, attempt, now), publishing.Token);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The job is Running with its CSR and a lease: the lease sweeper and the dispatcher send it again.
            LogPublishFailed(logger, exception, jobId);
        }

        return (Outcome.Accepted, jobId);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "IssueCertificate for job {JobId} was not sent; the job's lease will bring it back to the dispatcher")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string jobId);
}
