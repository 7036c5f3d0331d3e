using System.Security.Claims;
using Certctl.Domain;
using Certctl.Gateway.Auth;
using Certctl.Gateway.Caching;
using Certctl.Gateway.Certificates;
using Certctl.Gateway.Paging;
using Certctl.Gateway.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Certctl.Gateway.Jobs;

/// <summary>Jobs under <c>/api/v1/jobs</c>: list, get, cancel, and the two-person approve/reject of gated issuance.</summary>
public static class JobEndpoints
{
    /// <summary>Newest first; the (created_at, id) index serves it backwards.</summary>
    public static readonly TimestampIdKeyset NewestFirst = new("j.created_at", "j.id", SortDirection.Descending);

    /// <summary>The statuses an operator may cancel from, as the domain's job transitions allow (every unfinished one).</summary>
    public static readonly IReadOnlySet<JobStatus> Cancellable =
        Enum.GetValues<JobStatus>().Where(status => JobTransitions.CanTransition(status, JobStatus.Cancelled)).ToHashSet();

    /// <summary>Maps the job endpoints.</summary>
    public static RouteGroupBuilder MapJobEndpoints(this RouteGroupBuilder api)
    {
        var jobs = api.MapGroup("/jobs").WithTags("Jobs");
        jobs.MapGet("/", ListJobs).WithName("ListJobs").WithListETag("jobs")
            .WithSummary("List jobs, newest first (keyset cursor; filters status, type, certificate_id, agent_id)");
        jobs.MapGet("/{id}", GetJob).WithName("GetJob").WithSummary("Get a job")
            .ProducesProblem(StatusCodes.Status404NotFound);
        jobs.MapPost("/{id}/cancel", CancelJob).WithName("CancelJob").WithSummary("Cancel a job that has not finished")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        jobs.MapPost("/{id}/approve", ApproveJob).WithName("ApproveJob")
            .WithSummary("Approve a job awaiting approval (two-person rule: not by its requester); it becomes Pending")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        jobs.MapPost("/{id}/reject", RejectJob).WithName("RejectJob").WithSummary("Reject a job awaiting approval; it becomes Cancelled")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return jobs;
    }

    /// <summary>GET /jobs.</summary>
    public static async Task<Ok<Page<JobResponse>>> ListJobs(
        [AsParameters] PageRequest page, [AsParameters] JobListQuery filter, CursorCodec cursors, NpgsqlDataSource db,
        CancellationToken cancellationToken)
    {
        var query = new KeysetQuery(page, NewestFirst, cursors);
        await using var command = db.CreateCommand();
        var where = filter.Where(command);
        command.CommandText =
            $"SELECT {JobRows.Columns} FROM jobs j WHERE {where} AND {query.Where} ORDER BY {query.OrderBy} LIMIT {KeysetQuery.LimitPlaceholder}";
        return TypedResults.Ok(await query.ReadAsync(command, JobRows.Read, job => new KeysetPosition(job.CreatedAt, job.Id), cancellationToken));
    }

    /// <summary>GET /jobs/{id}.</summary>
    public static async Task<Results<Ok<JobResponse>, NotFound>> GetJob(string id, NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await JobRows.FindAsync(connection, null, id, cancellationToken) is { } job ? TypedResults.Ok(job) : TypedResults.NotFound();
    }

    /// <summary>POST /jobs/{id}/cancel: any non-terminal job becomes Cancelled; a finished one is a 409. A pending approval request is closed too.</summary>
    public static async Task<Results<Ok<JobDecision>, NotFound>> CancelJob(
        string id, ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        var actor = user.GetOperator().Name;
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await LockAsync(connection, transaction, id, cancellationToken) is not { } job)
        {
            return TypedResults.NotFound();
        }

        if (!Cancellable.Contains(job.Status))
        {
            throw new DomainProblemException(StatusCodes.Status409Conflict, "Cannot cancel", $"Job {id} is {job.Status.ToWire()}; only unfinished jobs can be cancelled.");
        }

        await FinishAsync(connection, transaction, id, "cancelled by user", cancellationToken);
        await DecideRequestAsync(connection, transaction, id, "rejected", actor, "job cancelled", cancellationToken);
        await OperationsAudit.WriteAsync(connection, transaction, actor, "job_cancelled", "job", id,
            new Dictionary<string, string> { ["previous_status"] = job.Status.ToWire() }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(new JobDecision("job_cancelled", id, JobStatus.Cancelled.ToWire(), actor));
    }

    /// <summary>
    /// POST /jobs/{id}/approve: AwaitingApproval → Pending and the pending approval request → approved, in one transaction.
    /// The requester (of the job or of its approval request) cannot approve (403); a job no longer awaiting approval is a 409.
    /// </summary>
    public static async Task<Results<Ok<JobDecision>, NotFound, ValidationProblem>> ApproveJob(
        string id, ApproveJobRequest? body, ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors().MaxLength("note", body?.Note, 1000);
        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        var actor = user.GetOperator().Name;
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await LockAwaitingApprovalAsync(connection, transaction, id, cancellationToken) is not { } job)
        {
            return TypedResults.NotFound();
        }

        if (job.Requesters.Any(requester => string.Equals(requester, actor, StringComparison.OrdinalIgnoreCase)))
        {
            throw new DomainProblemException(StatusCodes.Status403Forbidden, "Self-approval is not allowed",
                $"{actor} requested job {id}; another operator must approve it (two-person rule).");
        }

        await using (var update = new NpgsqlCommand(
            """
            UPDATE jobs SET status = 'Pending', approved_by = @actor, approval_decided_at = now(), next_attempt_at = now(), updated_at = now()
            WHERE id = @id
            """, connection, transaction))
        {
            update.Parameters.Add(CertificateRows.Text("actor", actor));
            update.Parameters.Add(CertificateRows.Text("id", id));
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        await DecideRequestAsync(connection, transaction, id, "approved", actor, body?.Note, cancellationToken);
        await OperationsAudit.WriteAsync(connection, transaction, actor, "job_approved", "job", id,
            new Dictionary<string, string?> { ["certificate_id"] = job.CertificateId, ["note"] = body?.Note }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(new JobDecision("job_approved", id, JobStatus.Pending.ToWire(), actor));
    }

    /// <summary>POST /jobs/{id}/reject: AwaitingApproval → Cancelled with <c>last_error = "rejected: &lt;reason&gt;"</c>; the request → rejected.</summary>
    public static async Task<Results<Ok<JobDecision>, NotFound, ValidationProblem>> RejectJob(
        string id, RejectJobRequest? body, ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors().MaxLength("reason", body?.Reason, 1000);
        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        var actor = user.GetOperator().Name;
        var reason = string.IsNullOrWhiteSpace(body?.Reason) ? "no reason given" : body.Reason.Trim();
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await LockAwaitingApprovalAsync(connection, transaction, id, cancellationToken) is not { } job)
        {
            return TypedResults.NotFound();
        }

        await FinishAsync(connection, transaction, id, $"rejected: {reason}", cancellationToken);
        await DecideRequestAsync(connection, transaction, id, "rejected", actor, reason, cancellationToken);
        await OperationsAudit.WriteAsync(connection, transaction, actor, "job_rejected", "job", id,
            new Dictionary<string, string> { ["certificate_id"] = job.CertificateId, ["reason"] = reason }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(new JobDecision("job_rejected", id, JobStatus.Cancelled.ToWire(), actor));
    }

    private static async Task<LockedJob?> LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string id, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT j.status, j.certificate_id, j.requested_by,
                   (SELECT array_agg(r.requested_by) FROM issuance_approval_requests r WHERE r.job_id = j.id AND r.state = 'pending')
            FROM jobs j WHERE j.id = @id FOR UPDATE OF j
            """, connection, transaction);
        command.Parameters.Add(CertificateRows.Text("id", id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var requesters = new List<string>();
        if (!reader.IsDBNull(2))
        {
            requesters.Add(reader.GetString(2));
        }

        if (!reader.IsDBNull(3))
        {
            requesters.AddRange(reader.GetFieldValue<string[]>(3));
        }

        return new LockedJob(WireNames<JobStatus>.Parse(reader.GetString(0)), reader.GetString(1), requesters);
    }

    /// <summary>Locks the job; 409 unless it is AwaitingApproval (a second decision lands here).</summary>
    private static async Task<LockedJob?> LockAwaitingApprovalAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string id, CancellationToken cancellationToken)
    {
        var job = await LockAsync(connection, transaction, id, cancellationToken);
        if (job is not null && job.Status != JobStatus.AwaitingApproval)
        {
            throw new DomainProblemException(StatusCodes.Status409Conflict, "Not awaiting approval",
                $"Job {id} is {job.Status.ToWire()}; it has already been decided or never needed approval.");
        }

        return job;
    }

    private static async Task FinishAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string id, string lastError, CancellationToken cancellationToken)
    {
        await using var update = new NpgsqlCommand(
            "UPDATE jobs SET status = 'Cancelled', last_error = @error, completed_at = now(), lease_expires_at = NULL, updated_at = now() WHERE id = @id",
            connection, transaction);
        update.Parameters.Add(CertificateRows.Text("error", lastError));
        update.Parameters.Add(CertificateRows.Text("id", id));
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task DecideRequestAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string jobId, string state, string actor, string? note, CancellationToken cancellationToken)
    {
        await using var update = new NpgsqlCommand(
            """
            UPDATE issuance_approval_requests SET state = @state, decided_by = @actor, decided_at = now(), decision_note = @note, updated_at = now()
            WHERE job_id = @job_id AND state = 'pending'
            """, connection, transaction);
        update.Parameters.Add(CertificateRows.Text("state", state));
        update.Parameters.Add(CertificateRows.Text("actor", actor));
        update.Parameters.Add(CertificateRows.Text("note", note));
        update.Parameters.Add(CertificateRows.Text("job_id", jobId));
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    private sealed record LockedJob(JobStatus Status, string CertificateId, IReadOnlyList<string> Requesters);
}
