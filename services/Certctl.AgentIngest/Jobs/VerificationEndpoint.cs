using Certctl.AgentIngest.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using NpgsqlTypes;

namespace Certctl.AgentIngest.Jobs;

/// <summary>
/// <c>POST /api/v1/agents/{id}/jobs/{jobId}/verification</c>: saves the agent's post-deployment TLS check on the deployment job
/// (<c>verification_status</c>, <c>verified_at</c>, <c>verification_fingerprint</c>, <c>verification_error</c>) with audit
/// <c>job_verification_success</c> or <c>job_verification_failed</c>.
/// </summary>
/// <remarks>
/// Unlike the original, the result is really stored, and a probe that could not connect is a failed verification with its
/// error rather than a 400 (it has no served fingerprint to send). "Verified" is decided here: the fingerprints must match.
/// </remarks>
public static class VerificationEndpoint
{
    private const string Update = $"""
        UPDATE jobs j SET verification_status = @status, verified_at = @now, verification_fingerprint = @fingerprint,
                          verification_error = @error, updated_at = @now
        WHERE j.id = @job_id AND j.type = 'Deployment' AND {AgentJobs.OwnedBy}
        """;

    private const int FingerprintMaxLength = 128;

    public static async Task<Results<Ok<VerificationRecorded>, ValidationProblem, ProblemHttpResult>> RecordAsync(
        string id, string jobId, VerificationReport? body, NpgsqlDataSource db, TimeProvider time, CancellationToken cancellationToken)
    {
        var expected = Normalize(body?.ExpectedFingerprint);
        var actual = Normalize(body?.ActualFingerprint);
        var errors = new FieldErrors()
            .Required("expected_fingerprint", expected).Text("expected_fingerprint", expected, FingerprintMaxLength)
            .Text("actual_fingerprint", actual, FingerprintMaxLength).Text("target_id", body?.TargetId).Text("error", body?.Error, 2000)
            .AddIf(body?.Verified == true && actual != expected, "verified", "cannot be true when the fingerprints differ")
            .AddIf(string.IsNullOrEmpty(actual) && string.IsNullOrWhiteSpace(body?.Error), "actual_fingerprint", "is required unless error says why the probe failed");
        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        var verified = !string.IsNullOrEmpty(actual) && actual == expected;
        var error = verified ? null : body!.Error ?? $"the endpoint served {actual}, expected {expected}";
        var now = time.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var update = new NpgsqlCommand(Update, connection, transaction))
        {
            update.Parameters.Add(new NpgsqlParameter<string>("job_id", jobId));
            update.Parameters.Add(new NpgsqlParameter<string>("agent_id", id));
            update.Parameters.Add(new NpgsqlParameter<string>("status", verified ? "success" : "failed"));
            update.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
            update.Parameters.Add(new NpgsqlParameter("fingerprint", NpgsqlDbType.Text) { Value = string.IsNullOrEmpty(actual) ? DBNull.Value : actual });
            update.Parameters.Add(new NpgsqlParameter("error", NpgsqlDbType.Text) { Value = (object?)error ?? DBNull.Value });
            if (await update.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return TypedResults.Problem($"Job '{jobId}' is not a deployment job of this agent.", statusCode: StatusCodes.Status404NotFound,
                    title: "Job not found");
            }
        }

        await AgentAudit.WriteAsync(connection, transaction, id, verified ? "job_verification_success" : "job_verification_failed", "job", jobId,
            new { target_id = body!.TargetId, expected_fingerprint = expected, actual_fingerprint = actual, error }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(new VerificationRecorded(jobId, verified, verified ? "success" : "failed", now));
    }

    // Agents and tools write SHA-256 fingerprints as hex with or without colons, in either case.
    private static string? Normalize(string? fingerprint) =>
        fingerprint?.Replace(":", string.Empty, StringComparison.Ordinal).Trim().ToLowerInvariant();
}
