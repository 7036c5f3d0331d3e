using Certctl.AgentIngest.Problems;
using Certctl.Domain;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Certctl.AgentIngest.Jobs;

/// <summary>
/// <c>POST /api/v1/agents/{id}/jobs/{jobId}/status</c>: records a legal status change of one of the agent's jobs (audit
/// <c>job_status_reported</c>); 409 for an illegal one, 404 for a job that is not the agent's.
/// </summary>
/// <remarks>
/// A completed deployment stamps the certificate's <c>last_deployment_at</c>. A failed CSR request spends an attempt (as the
/// AwaitingCSR timeout does), so the retry loop cannot cycle it forever; a failed deployment spent its attempt when claimed.
/// </remarks>
public static class JobStatusEndpoint
{
    private const string Lock = $"""
        SELECT j.status, j.type, j.certificate_id FROM jobs j
        WHERE j.id = @job_id AND {AgentJobs.OwnedBy}
        FOR UPDATE OF j
        """;

    private const string Update = """
        WITH job AS (
            UPDATE jobs SET status = @to,
                            last_error = CASE WHEN @to = 'Failed' THEN @error ELSE NULL END,
                            attempts = attempts + CASE WHEN status = 'AwaitingCSR' THEN 1 ELSE 0 END,
                            completed_at = CASE WHEN @to = 'Completed' THEN @now ELSE completed_at END,
                            lease_expires_at = NULL, updated_at = @now
            WHERE id = @job_id
            RETURNING type, certificate_id)
        UPDATE managed_certificates c SET last_deployment_at = @now, updated_at = @now
        FROM job
        WHERE c.id = job.certificate_id AND job.type = 'Deployment' AND @to = 'Completed'
        """;

    public static async Task<Results<Ok<JobStatusUpdated>, ValidationProblem, ProblemHttpResult>> ReportAsync(
        string id, string jobId, JobStatusReport? body, NpgsqlDataSource db, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors().Required("status", body?.Status).Text("error", body?.Error, 2000);
        JobStatus to = default;
        if (body?.Status is { Length: > 0 } status && (!WireNames<JobStatus>.TryParse(status, out to) || !AgentReportRules.Reportable.Contains(to)))
        {
            errors.Add("status", "must be Running, Completed or Failed");
        }

        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        JobStatus from;
        JobType type;
        await using (var select = new NpgsqlCommand(Lock, connection, transaction))
        {
            select.Parameters.Add(new NpgsqlParameter<string>("job_id", jobId));
            select.Parameters.Add(new NpgsqlParameter<string>("agent_id", id));
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return TypedResults.Problem($"Job '{jobId}' is not a job of this agent.", statusCode: StatusCodes.Status404NotFound, title: "Job not found");
            }

            from = WireNames<JobStatus>.Parse(reader.GetString(0));
            type = WireNames<JobType>.Parse(reader.GetString(1));
        }

        if (AgentReportRules.IsAlreadyTrue(from, to))
        {
            return TypedResults.Ok(new JobStatusUpdated("unchanged", jobId, from.ToWire()));
        }

        if (!AgentReportRules.Allows(type, from, to))
        {
            return TypedResults.Problem($"A {type.ToWire()} job cannot be reported {to.ToWire()} while it is {from.ToWire()}.",
                statusCode: StatusCodes.Status409Conflict, title: "Illegal job transition",
                extensions: new Dictionary<string, object?> { ["job_status"] = from.ToWire() });
        }

        await using (var update = new NpgsqlCommand(Update, connection, transaction))
        {
            update.Parameters.Add(new NpgsqlParameter<string>("job_id", jobId));
            update.Parameters.Add(new NpgsqlParameter<string>("to", to.ToWire()));
            update.Parameters.Add(new NpgsqlParameter("error", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)body!.Error ?? "reported failed by the agent" });
            update.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", time.GetUtcNow()));
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        await AgentAudit.WriteAsync(connection, transaction, id, "job_status_reported", "job", jobId,
            new { from = from.ToWire(), to = to.ToWire(), error = body.Error }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(new JobStatusUpdated("updated", jobId, to.ToWire()));
    }
}
