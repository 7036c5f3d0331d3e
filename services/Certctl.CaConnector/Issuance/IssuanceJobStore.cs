using Certctl.Domain;
using Certctl.Issuance;
using Npgsql;
using NpgsqlTypes;

namespace Certctl.CaConnector.Issuance;

/// <summary>
/// The SQL of the issuance pipeline. Attempt rule: the dispatcher counts the attempt when it claims the job and sends that
/// number as <c>Attempt</c>; this store writes <c>attempts = GREATEST(attempts, Attempt)</c> before the issuer is called (and again if the delivery
/// finally faults), so one dispatch costs exactly one attempt however often RabbitMQ or MassTransit redeliver it.
/// </summary>
public sealed class IssuanceJobStore(NpgsqlDataSource db, TimeProvider time)
{
    /// <summary>A new job id per inserted row, made in SQL (<see cref="SqlEntityIds"/>), for the deployment jobs.</summary>
    private static readonly string DeploymentJobId = SqlEntityIds.Expression(IdPrefix.Job, "id_time");

    /// <summary>The job with its certificate, profile and any version it already produced; null when there is no such job.</summary>
    public async Task<IssuanceJob?> FindAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            SELECT j.status, j.attempts, j.max_attempts, j.csr_pem, j.certificate_id,
                   c.common_name, c.sans, c.issuer_id, c.keygen_mode,
                   p.id IS NOT NULL, p.allowed_key_algorithms::text, p.max_ttl_seconds, p.allowed_ekus, p.must_staple,
                   v.id, v.serial_number, v.not_before, v.not_after, v.created_at
            FROM jobs j
            JOIN managed_certificates c ON c.id = j.certificate_id
            LEFT JOIN certificate_profiles p ON p.id = c.certificate_profile_id
            LEFT JOIN certificate_versions v ON v.job_id = j.id
            WHERE j.id = @job_id
            """);
        command.Parameters.Add(new NpgsqlParameter<string>("job_id", jobId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var profile = reader.GetBoolean(9)
            ? ProfileColumns.ToProfile(reader.GetString(10), reader.GetInt32(11), reader.GetFieldValue<string[]>(12), reader.GetBoolean(13))
            : IssuanceProfile.Default;
        var version = reader.IsDBNull(14)
            ? null
            : new StoredVersion(reader.GetString(14), reader.GetString(15), reader.GetFieldValue<DateTimeOffset>(16),
                reader.GetFieldValue<DateTimeOffset>(17), reader.GetFieldValue<DateTimeOffset>(18));
        return new IssuanceJob(
            jobId,
            WireNames<JobStatus>.Parse(reader.GetString(0)),
            reader.GetInt32(1),
            reader.GetInt32(2),
            reader.IsDBNull(3) ? null : reader.GetString(3),
            reader.GetString(4),
            reader.GetString(7),
            WireNames<KeygenMode>.Parse(reader.GetString(8)),
            new LeafRequest { CommonName = reader.GetString(5), SubjectAlternativeNames = reader.GetFieldValue<string[]>(6) },
            profile,
            version);
    }

    /// <summary>Writes the intent before the irreversible step; false when the job is no longer Running (cancelled, swept).</summary>
    public async Task<bool> RecordAttemptAsync(string jobId, int attempt, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            UPDATE jobs SET attempts = GREATEST(attempts, @attempt), started_at = COALESCE(started_at, @now), updated_at = @now
            WHERE id = @job_id AND status = 'Running'
            """);
        AddJob(command, jobId, attempt);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>
    /// Stores the version, completes the job and makes the certificate Active, all or nothing in one statement. The job
    /// row's lock orders concurrent deliveries: the second finds the job Completed and stores nothing. Null when nothing
    /// was stored (another delivery won, or the job stopped being Running, or AwaitingIssuer when <paramref name="parked"/>).
    /// </summary>
    public async Task<StoredVersion?> CompleteAsync(
        IssuanceJob job, string versionId, IssuedCertificate issued, string? csrPem, byte[]? encryptedPrivateKey, CancellationToken cancellationToken,
        bool parked = false)
    {
        await using var command = db.CreateCommand($$"""
            WITH job AS (
                UPDATE jobs SET status = 'Completed', completed_at = @now, lease_expires_at = NULL, last_error = NULL, issuer_key_encrypted = NULL,
                                updated_at = @now
                WHERE id = @job_id AND status = '{{(parked ? "AwaitingIssuer" : "Running")}}'
                  AND NOT EXISTS (SELECT 1 FROM certificate_versions WHERE job_id = @job_id)
                RETURNING id),
            version AS (
                INSERT INTO certificate_versions (id, certificate_id, issuer_id, serial_number, not_before, not_after, fingerprint_sha256,
                                                  pem_chain, csr_pem, key_algorithm, key_size, authority_key_identifier, encrypted_private_key, job_id, created_at)
                SELECT @version_id, @certificate_id, @issuer_id, @serial_number, @not_before, @not_after, @fingerprint,
                       @pem_chain, @csr_pem, @key_algorithm, @key_size, @aki, @encrypted_private_key, job.id, @now
                FROM job
                RETURNING id),
            certificate AS (
                UPDATE managed_certificates SET status = 'Active', expires_at = @not_after, last_renewal_at = @now, updated_at = @now
                WHERE id = @certificate_id AND status NOT IN ('Revoked', 'Archived') AND EXISTS (SELECT 1 FROM version)
                RETURNING id),
            deployments AS (
                -- One deployment job per enabled target the certificate is mapped to, claimable only by that target's agent;
                -- in this statement, so a stored version can never be left without its deployments.
                INSERT INTO jobs (id, type, certificate_id, target_id, agent_id, status, requested_by, created_at, updated_at)
                SELECT {{DeploymentJobId}}, 'Deployment', @certificate_id, t.id, t.agent_id, 'Pending', 'ca-connector', @now, @now
                FROM certificate_target_mappings m
                JOIN deployment_targets t ON t.id = m.target_id
                WHERE m.certificate_id = @certificate_id AND t.enabled AND t.retired_at IS NULL AND EXISTS (SELECT 1 FROM certificate)
                RETURNING id)
            SELECT (SELECT count(*) FROM version), (SELECT count(*) FROM deployments)
            """);
        var now = AddJob(command, job.JobId, attempt: null);
        command.Parameters.Add(new NpgsqlParameter<string>("version_id", versionId));
        command.Parameters.Add(new NpgsqlParameter<string>("certificate_id", job.CertificateId));
        command.Parameters.Add(new NpgsqlParameter<string>("issuer_id", job.IssuerId));
        command.Parameters.Add(new NpgsqlParameter<string>("serial_number", issued.SerialNumber));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("not_before", issued.NotBefore));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("not_after", issued.NotAfter));
        command.Parameters.Add(new NpgsqlParameter<string>("fingerprint", issued.FingerprintSha256));
        command.Parameters.Add(new NpgsqlParameter<string>("pem_chain", issued.FullChainPem));
        command.Parameters.Add(new NpgsqlParameter("csr_pem", NpgsqlDbType.Text) { Value = (object?)csrPem ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter<string>("key_algorithm", issued.SubjectKey.Algorithm.ToWire()));
        command.Parameters.Add(new NpgsqlParameter<int>("key_size", issued.SubjectKey.Size));
        command.Parameters.Add(new NpgsqlParameter<string>("aki", issued.AuthorityKeyIdentifier));
        command.Parameters.Add(new NpgsqlParameter("encrypted_private_key", NpgsqlDbType.Bytea) { Value = (object?)encryptedPrivateKey ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter<string>("id_time", SqlEntityIds.TimestampPart(now)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return reader.GetInt64(0) == 1
            ? new StoredVersion(versionId, issued.SerialNumber, issued.NotBefore, issued.NotAfter, now, (int)reader.GetInt64(1))
            : null;
    }

    /// <summary>
    /// A client error: the job fails for good. The attempt budget is closed at the attempts spent (<c>max_attempts = attempts</c>),
    /// so the scheduler's retry loop never re-queues it and the attempt count stays true. Null when the job was not Running.
    /// </summary>
    /// <remarks>With <paramref name="parked"/> it fails a job in AwaitingIssuer (an async CA refused its order) instead of a Running one.</remarks>
    public Task<FailedJob?> FailPermanentlyAsync(string jobId, int attempt, string error, CancellationToken cancellationToken, bool parked = false) =>
        FailAsync(jobId, attempt, error, closeBudget: true, parked, cancellationToken);

    /// <summary>Retries and redeliveries are spent: the job fails with its attempt counted and the retry loop decides what next.</summary>
    /// <remarks>With <paramref name="parked"/> it fails a job in AwaitingIssuer (its order submission never finished) instead of a Running one.</remarks>
    public Task<FailedJob?> FailRetryableAsync(string jobId, int attempt, string error, CancellationToken cancellationToken, bool parked = false) =>
        FailAsync(jobId, attempt, error, closeBudget: false, parked, cancellationToken);

    private async Task<FailedJob?> FailAsync(string jobId, int attempt, string error, bool closeBudget, bool parked, CancellationToken cancellationToken)
    {
        // A fault from an older dispatch (attempt below the recorded one) must not fail the newer one in flight.
        await using var command = db.CreateCommand($"""
            UPDATE jobs SET status = 'Failed', last_error = @error, attempts = GREATEST(attempts, @attempt),
                            {(closeBudget ? "max_attempts = GREATEST(attempts, @attempt)," : "")}
                            lease_expires_at = NULL, issuer_key_encrypted = NULL, updated_at = @now
            WHERE id = @job_id AND status = '{(parked ? "AwaitingIssuer" : "Running")}' AND attempts <= @attempt
            RETURNING certificate_id, attempts, max_attempts
            """);
        AddJob(command, jobId, attempt);
        command.Parameters.Add(new NpgsqlParameter<string>("error", error.Length > 2000 ? error[..2000] : error));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new FailedJob(reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2))
            : null;
    }

    private DateTimeOffset AddJob(NpgsqlCommand command, string jobId, int? attempt)
    {
        var now = time.GetUtcNow();
        command.Parameters.Add(new NpgsqlParameter<string>("job_id", jobId));
        if (attempt is { } value)
        {
            command.Parameters.Add(new NpgsqlParameter<int>("attempt", value));
        }

        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
        return now;
    }
}

/// <summary>A job just marked Failed: whether the retry loop may try it again.</summary>
public sealed record FailedJob(string CertificateId, int Attempts, int MaxAttempts)
{
    public bool Retryable => Attempts < MaxAttempts;
}
