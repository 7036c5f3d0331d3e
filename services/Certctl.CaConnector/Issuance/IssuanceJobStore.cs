using Certctl.Domain;
using Certctl.Issuance;
using Npgsql;
using Certctl.ServiceDefaults;

namespace Certctl.CaConnector.Issuance;

/// <summary>
/// The SQL of the issuance pipeline. Attempt rule: the dispatcher counts the attempt when it claims the job and sends that
/// number as <c>Attempt</c>; this store writes <c>attempts = GREATEST(attempts, Attempt)</c> before the issuer is called (and again if the delivery
/// finally faults), so one dispatch costs exactly one attempt however often RabbitMQ or MassTransit redeliver it.
/// </summary>
public sealed class IssuanceJobStore : IAsyncDisposable
{
    /// <summary>Most jobs one batched statement reads or writes.</summary>
    public const int MaxBatch = 100;

    /// <summary>A new job id per inserted row, made in SQL (<see cref="SqlEntityIds"/>), for the deployment jobs.</summary>
    private static readonly string DeploymentJobId = SqlEntityIds.Expression(IdPrefix.Job, "id_time");

    private readonly NpgsqlDataSource db;
    private readonly TimeProvider time;
    private readonly StatementBatcher<string, IssuanceJob?> _finds;
    private readonly StatementBatcher<AttemptRow, bool> _attempts;
    private readonly StatementBatcher<CompletionRow, StoredVersion?> _completions;

    // The consumers run concurrently (CERTCTL_CA_ISSUANCE_CONCURRENCY); their reads and writes are grouped into one statement per
    // batch, so a drain costs a few statements per batch of jobs rather than three round trips and commits per job.
    public IssuanceJobStore(NpgsqlDataSource db, TimeProvider time)
    {
        this.db = db;
        this.time = time;
        _finds = new("find_issuance_jobs", FindManyAsync, id => id, MaxBatch);
        _attempts = new("record_issuance_attempts", RecordAttemptsAsync, row => row.JobId, MaxBatch);
        _completions = new("complete_issuance_jobs", CompleteManyAsync, row => row.Job.JobId, MaxBatch);
    }

    /// <summary>The job with its certificate, profile and any version it already produced; null when there is no such job.</summary>
    public Task<IssuanceJob?> FindAsync(string jobId, CancellationToken cancellationToken) => _finds.RunAsync(jobId, cancellationToken);

    /// <summary>Writes the intent before the irreversible step; false when the job is no longer Running (cancelled, swept).</summary>
    public Task<bool> RecordAttemptAsync(string jobId, int attempt, CancellationToken cancellationToken) =>
        _attempts.RunAsync(new AttemptRow(jobId, attempt), cancellationToken);

    /// <summary>
    /// Stores the version, completes the job and makes the certificate Active, all or nothing in one statement. The job
    /// row's lock orders concurrent deliveries: the second finds the job Completed and stores nothing. Null when nothing
    /// was stored (another delivery won, or the job stopped being Running, or AwaitingIssuer when <paramref name="parked"/>).
    /// <paramref name="attempt"/>, the delivering command's, is written too (<c>GREATEST</c>), for connectors that skip the separate record.
    /// </summary>
    public Task<StoredVersion?> CompleteAsync(
        IssuanceJob job, string versionId, IssuedCertificate issued, string? csrPem, byte[]? encryptedPrivateKey, CancellationToken cancellationToken,
        bool parked = false, int? attempt = null) =>
        _completions.RunAsync(new CompletionRow(job, versionId, issued, csrPem, encryptedPrivateKey, parked, attempt), cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _finds.DisposeAsync();
        await _attempts.DisposeAsync();
        await _completions.DisposeAsync();
    }

    private async Task<IReadOnlyList<IssuanceJob?>> FindManyAsync(IReadOnlyList<string> jobIds, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            SELECT j.id, j.status, j.attempts, j.max_attempts, j.csr_pem, j.certificate_id,
                   c.common_name, c.sans, c.issuer_id, c.keygen_mode,
                   p.id IS NOT NULL, p.allowed_key_algorithms::text, p.max_ttl_seconds, p.allowed_ekus, p.must_staple,
                   v.id, v.serial_number, v.not_before, v.not_after, v.created_at
            FROM jobs j
            JOIN managed_certificates c ON c.id = j.certificate_id
            LEFT JOIN certificate_profiles p ON p.id = c.certificate_profile_id
            LEFT JOIN certificate_versions v ON v.job_id = j.id
            WHERE j.id = ANY(@job_ids)
            """);
        command.Parameters.Add(new NpgsqlParameter<string[]>("job_ids", [.. jobIds]));
        var found = new Dictionary<string, IssuanceJob>(jobIds.Count, StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var job = ReadJob(reader);
                found[job.JobId] = job;
            }
        }

        return [.. jobIds.Select(id => found.GetValueOrDefault(id))];
    }

    private static IssuanceJob ReadJob(NpgsqlDataReader reader)
    {
        var profile = reader.GetBoolean(10)
            ? ProfileColumns.ToProfile(reader.GetString(11), reader.GetInt32(12), reader.GetFieldValue<string[]>(13), reader.GetBoolean(14))
            : IssuanceProfile.Default;
        var version = reader.IsDBNull(15)
            ? null
            : new StoredVersion(reader.GetString(15), reader.GetString(16), reader.GetFieldValue<DateTimeOffset>(17),
                reader.GetFieldValue<DateTimeOffset>(18), reader.GetFieldValue<DateTimeOffset>(19));
        return new IssuanceJob(
            reader.GetString(0),
            WireNames<JobStatus>.Parse(reader.GetString(1)),
            reader.GetInt32(2),
            reader.GetInt32(3),
            reader.IsDBNull(4) ? null : reader.GetString(4),
            reader.GetString(5),
            reader.GetString(8),
            WireNames<KeygenMode>.Parse(reader.GetString(9)),
            new LeafRequest { CommonName = reader.GetString(6), SubjectAlternativeNames = reader.GetFieldValue<string[]>(7) },
            profile,
            version);
    }

    private async Task<IReadOnlyList<bool>> RecordAttemptsAsync(IReadOnlyList<AttemptRow> rows, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            UPDATE jobs j SET attempts = GREATEST(j.attempts, i.attempt), started_at = COALESCE(j.started_at, @now), updated_at = @now
            FROM unnest(@job_ids, @attempts) AS i(job_id, attempt)
            WHERE j.id = i.job_id AND j.status = 'Running'
            RETURNING j.id
            """);
        command.Parameters.Add(new NpgsqlParameter<string[]>("job_ids", [.. rows.Select(row => row.JobId)]));
        command.Parameters.Add(new NpgsqlParameter<int[]>("attempts", [.. rows.Select(row => row.Attempt)]));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", time.GetUtcNow()));
        var recorded = new HashSet<string>(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                recorded.Add(reader.GetString(0));
            }
        }

        return [.. rows.Select(row => recorded.Contains(row.JobId))];
    }

    private async Task<IReadOnlyList<StoredVersion?>> CompleteManyAsync(IReadOnlyList<CompletionRow> rows, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand($$"""
            WITH input AS (
                SELECT * FROM unnest(@job_ids, @expected_statuses, @version_ids, @certificate_ids, @issuer_ids, @serial_numbers,
                                     @not_befores, @not_afters, @fingerprints, @pem_chains, @csr_pems, @key_algorithms, @key_sizes,
                                     @akis, @encrypted_private_keys, @attempts)
                    AS i(job_id, expected_status, version_id, certificate_id, issuer_id, serial_number, not_before, not_after,
                         fingerprint, pem_chain, csr_pem, key_algorithm, key_size, aki, encrypted_private_key, attempt)),
            job AS (
                UPDATE jobs j SET status = 'Completed', completed_at = @now, lease_expires_at = NULL, last_error = NULL,
                                  issuer_key_encrypted = NULL, attempts = GREATEST(j.attempts, COALESCE(i.attempt, j.attempts)),
                                  started_at = COALESCE(j.started_at, @now), updated_at = @now
                FROM input i
                WHERE j.id = i.job_id AND j.status = i.expected_status
                  AND NOT EXISTS (SELECT 1 FROM certificate_versions v WHERE v.job_id = i.job_id)
                RETURNING j.id),
            version AS (
                INSERT INTO certificate_versions (id, certificate_id, issuer_id, serial_number, not_before, not_after, fingerprint_sha256,
                                                  pem_chain, csr_pem, key_algorithm, key_size, authority_key_identifier, encrypted_private_key, job_id, created_at)
                SELECT i.version_id, i.certificate_id, i.issuer_id, i.serial_number, i.not_before, i.not_after, i.fingerprint,
                       i.pem_chain, i.csr_pem, i.key_algorithm, i.key_size, i.aki, i.encrypted_private_key, i.job_id, @now
                FROM input i JOIN job ON job.id = i.job_id
                RETURNING job_id, certificate_id),
            certificate AS (
                UPDATE managed_certificates c SET status = 'Active', expires_at = i.not_after, last_renewal_at = @now, updated_at = @now
                FROM input i JOIN version v ON v.job_id = i.job_id
                WHERE c.id = i.certificate_id AND c.status NOT IN ('Revoked', 'Archived')
                RETURNING c.id),
            deployments AS (
                -- One deployment job per enabled target the certificate is mapped to, claimable only by that target's agent;
                -- in this statement, so a stored version can never be left without its deployments.
                INSERT INTO jobs (id, type, certificate_id, target_id, agent_id, status, requested_by, created_at, updated_at)
                SELECT {{DeploymentJobId}}, 'Deployment', m.certificate_id, t.id, t.agent_id, 'Pending', 'ca-connector', @now, @now
                FROM certificate_target_mappings m
                JOIN deployment_targets t ON t.id = m.target_id
                WHERE m.certificate_id IN (SELECT id FROM certificate) AND t.enabled AND t.retired_at IS NULL
                RETURNING certificate_id)
            SELECT v.job_id, (SELECT count(*) FROM deployments d WHERE d.certificate_id = v.certificate_id)
            FROM version v
            """);
        var now = time.GetUtcNow();
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
        command.Parameters.Add(new NpgsqlParameter<string>("id_time", SqlEntityIds.TimestampPart(now)));
        command.Parameters.Add(new NpgsqlParameter<string[]>("job_ids", [.. rows.Select(row => row.Job.JobId)]));
        command.Parameters.Add(new NpgsqlParameter<string[]>("expected_statuses", [.. rows.Select(row => row.Parked ? "AwaitingIssuer" : "Running")]));
        command.Parameters.Add(new NpgsqlParameter<string[]>("version_ids", [.. rows.Select(row => row.VersionId)]));
        command.Parameters.Add(new NpgsqlParameter<string[]>("certificate_ids", [.. rows.Select(row => row.Job.CertificateId)]));
        command.Parameters.Add(new NpgsqlParameter<string[]>("issuer_ids", [.. rows.Select(row => row.Job.IssuerId)]));
        command.Parameters.Add(new NpgsqlParameter<string[]>("serial_numbers", [.. rows.Select(row => row.Issued.SerialNumber)]));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]>("not_befores", [.. rows.Select(row => row.Issued.NotBefore)]));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]>("not_afters", [.. rows.Select(row => row.Issued.NotAfter)]));
        command.Parameters.Add(new NpgsqlParameter<string[]>("fingerprints", [.. rows.Select(row => row.Issued.FingerprintSha256)]));
        command.Parameters.Add(new NpgsqlParameter<string[]>("pem_chains", [.. rows.Select(row => row.Issued.FullChainPem)]));
        command.Parameters.Add(new NpgsqlParameter<string?[]>("csr_pems", [.. rows.Select(row => row.CsrPem)]));
        command.Parameters.Add(new NpgsqlParameter<string[]>("key_algorithms", [.. rows.Select(row => row.Issued.SubjectKey.Algorithm.ToWire())]));
        command.Parameters.Add(new NpgsqlParameter<int[]>("key_sizes", [.. rows.Select(row => row.Issued.SubjectKey.Size)]));
        command.Parameters.Add(new NpgsqlParameter<string[]>("akis", [.. rows.Select(row => row.Issued.AuthorityKeyIdentifier)]));
        command.Parameters.Add(new NpgsqlParameter<byte[]?[]>("encrypted_private_keys", [.. rows.Select(row => row.EncryptedPrivateKey)]));
        command.Parameters.Add(new NpgsqlParameter<int?[]>("attempts", [.. rows.Select(row => row.Attempt)]));
        var deployments = new Dictionary<string, int>(rows.Count, StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                deployments[reader.GetString(0)] = (int)reader.GetInt64(1);
            }
        }

        return [.. rows.Select(row => deployments.TryGetValue(row.Job.JobId, out var count)
            ? new StoredVersion(row.VersionId, row.Issued.SerialNumber, row.Issued.NotBefore, row.Issued.NotAfter, now, count)
            : null)];
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

/// <summary>One consumer's attempt record, for the batched statement.</summary>
internal sealed record AttemptRow(string JobId, int Attempt);

/// <summary>One consumer's issued certificate, for the batched completion statement.</summary>
internal sealed record CompletionRow(
    IssuanceJob Job, string VersionId, IssuedCertificate Issued, string? CsrPem, byte[]? EncryptedPrivateKey, bool Parked, int? Attempt);
