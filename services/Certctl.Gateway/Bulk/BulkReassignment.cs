using System.Security.Claims;
using Certctl.Gateway.Auth;
using Certctl.Gateway.Certificates;
using Certctl.Gateway.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Certctl.Gateway.Bulk;

/// <summary><c>POST /certificates/bulk-reassign</c>: moves certificates to another owner (and optionally team) in one UPDATE.</summary>
public static class BulkReassignment
{
    /// <summary>
    /// An unknown owner or team is a 422 before anything changes; then one UPDATE of the certificates whose owner or team
    /// actually changes, the rest counted as <c>unchanged</c> or <c>not found</c>, and one <c>bulk_reassignment_initiated</c> audit row.
    /// </summary>
    public static async Task<Results<Ok<BulkReassignResult>, ValidationProblem>> BulkReassign(
        BulkReassignRequest body, ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors()
            .AddIf(body.CertificateIds is not { Length: > 0 }, "certificate_ids", "is required (at least one id)")
            .Required("owner_id", body.OwnerId);
        errors.AddIf(body.CertificateIds is not null && body.CertificateIds.Any(string.IsNullOrWhiteSpace), "certificate_ids", "must not contain blank entries")
            .MaxLength("owner_id", body.OwnerId, 255)
            .MaxLength("team_id", body.TeamId, 255)
            .AddIf(body.TeamId is not null && string.IsNullOrWhiteSpace(body.TeamId), "team_id", "must not be blank when present");
        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        var ids = body.CertificateIds!.Distinct(StringComparer.Ordinal).ToArray();
        var actor = user.GetOperator().Name;
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await EnsureExistsAsync(connection, transaction, "owners", "owner_id", body.OwnerId!, cancellationToken);
        if (body.TeamId is not null)
        {
            await EnsureExistsAsync(connection, transaction, "teams", "team_id", body.TeamId, cancellationToken);
        }

        int matched;
        await using (var count = new NpgsqlCommand("SELECT count(*) FROM managed_certificates WHERE id = ANY (@ids)", connection, transaction))
        {
            count.Parameters.Add(CertificateRows.TextArray("ids", ids));
            matched = (int)(long)(await count.ExecuteScalarAsync(cancellationToken))!;
        }

        int reassigned;
        await using (var update = new NpgsqlCommand(
            """
            UPDATE managed_certificates c SET owner_id = @owner, team_id = COALESCE(@team, c.team_id), updated_at = now()
            WHERE c.id = ANY (@ids)
              AND (c.owner_id IS DISTINCT FROM @owner OR (@team::text IS NOT NULL AND c.team_id IS DISTINCT FROM @team))
            """, connection, transaction))
        {
            update.Parameters.Add(CertificateRows.TextArray("ids", ids));
            update.Parameters.Add(CertificateRows.Text("owner", body.OwnerId));
            update.Parameters.Add(CertificateRows.Text("team", body.TeamId));
            reassigned = await update.ExecuteNonQueryAsync(cancellationToken);
        }

        var skips = new BulkSkips();
        skips.Add(BulkSkips.NotFound, ids.Length - matched);
        skips.Add(BulkSkips.Unchanged, matched - reassigned);
        var result = new BulkReassignResult(matched, reassigned, skips.Counts, 0);
        await BulkAudit.WriteAsync(connection, transaction, actor, "bulk_reassignment_initiated", new
        {
            Criteria = new { CertificateIdCount = ids.Length, CertificateIds = ids.Take(100).ToArray(), body.OwnerId, body.TeamId },
            result.Matched,
            result.Reassigned,
            result.Skipped,
            result.Failed,
        }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(result);
    }

    private static async Task EnsureExistsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string table, string field, string id, CancellationToken cancellationToken)
    {
        // FOR SHARE: the owner or team cannot be deleted between this check and the UPDATE that points at it.
        await using var command = new NpgsqlCommand($"SELECT 1 FROM {table} WHERE id = @id FOR SHARE", connection, transaction);
        command.Parameters.Add(CertificateRows.Text("id", id));
        if (await command.ExecuteScalarAsync(cancellationToken) is null)
        {
            throw new DomainProblemException(StatusCodes.Status422UnprocessableEntity, "Unknown reference", $"{field} '{id}' does not exist.");
        }
    }
}
