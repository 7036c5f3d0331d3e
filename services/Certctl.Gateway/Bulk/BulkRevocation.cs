using System.Security.Claims;
using Certctl.Domain;
using Certctl.Gateway.Auth;
using Certctl.Gateway.Certificates;
using Certctl.Gateway.Pki;
using Certctl.Gateway.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Certctl.Gateway.Bulk;

/// <summary><c>POST /certificates/bulk-revoke</c> (admin): revokes the latest version of every matching certificate, set-based.</summary>
public static class BulkRevocation
{
    /// <summary>
    /// In one transaction: lock the matches with their latest version, skip those whose status cannot become Revoked and
    /// those never issued, then one INSERT of the <c>certificate_revocations</c> rows (the CRL's source), one UPDATE of the
    /// certificates and one <c>bulk_revocation_initiated</c> audit row; after the commit, one <c>RevokeCertificate</c> per
    /// revoked serial to the CA connector (best effort; the scheduler's sweep covers a lost one).
    /// </summary>
    public static async Task<Results<Ok<BulkRevokeResult>, ValidationProblem>> BulkRevoke(
        BulkRevokeRequest body, ClaimsPrincipal user, NpgsqlDataSource db, RevocationNotice notice, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors().Required("reason", body.Reason);
        if (!string.IsNullOrWhiteSpace(body.Reason) && !WireNames<RevocationReason>.TryParse(body.Reason, out _))
        {
            errors.Add("reason", $"must be one of {string.Join(", ", WireNames<RevocationReason>.Values.Select(value => value.ToWire()))}");
        }

        var selection = BulkSelection.Parse(body.CertificateIds, body.Filter, errors);
        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        var revocationReason = WireNames<RevocationReason>.Parse(body.Reason!);
        var reason = revocationReason.ToWire();
        var actor = user.GetOperator().Name;
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var matched = new List<(string Id, CertificateStatus Status, string? Serial, string? IssuerId)>();
        await using (var select = new NpgsqlCommand { Connection = connection, Transaction = transaction })
        {
            select.CommandText = $"""
                SELECT c.id, c.status, v.serial_number, v.issuer_id
                FROM managed_certificates c
                LEFT JOIN LATERAL (
                    SELECT serial_number, issuer_id FROM certificate_versions
                    WHERE certificate_id = c.id ORDER BY created_at DESC, id DESC LIMIT 1) v ON TRUE
                WHERE {selection.Where(select)}
                ORDER BY c.id
                FOR UPDATE OF c
                """;
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                matched.Add((reader.GetString(0), WireNames<CertificateStatus>.Parse(reader.GetString(1)),
                    reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
            }
        }

        var skips = new BulkSkips();
        await selection.CountUnmatchedAsync(connection, transaction, matched.Select(row => row.Id).ToHashSet(StringComparer.Ordinal), skips, cancellationToken);
        var revoking = new List<(string Id, string Serial, string IssuerId)>();
        foreach (var row in matched)
        {
            if (!CertificateTransitions.CanTransition(row.Status, CertificateStatus.Revoked))
            {
                skips.Add(BulkSkips.Status(row.Status.ToWire()));
            }
            else if (row.Serial is null)
            {
                skips.Add(BulkSkips.NoIssuedVersion);
            }
            else
            {
                revoking.Add((row.Id, row.Serial, row.IssuerId!));
            }
        }

        if (revoking.Count > 0)
        {
            var ids = revoking.Select(row => row.Id).ToArray();
            await using var batch = new NpgsqlBatch(connection, transaction)
            {
                BatchCommands =
                {
                    new("""
                        INSERT INTO certificate_revocations (id, certificate_id, serial_number, issuer_id, reason, revoked_by)
                        SELECT r.id, r.certificate_id, r.serial_number, r.issuer_id, @reason, @actor
                        FROM unnest(@revocation_ids, @ids, @serials, @issuer_ids) AS r (id, certificate_id, serial_number, issuer_id)
                        ON CONFLICT (issuer_id, serial_number) DO NOTHING
                        """)
                    {
                        Parameters =
                        {
                            CertificateRows.Text("reason", reason), CertificateRows.Text("actor", actor),
                            CertificateRows.TextArray("revocation_ids", revoking.Select(_ => CertificateEndpoints.Ids.NewId(IdPrefix.CertificateRevocation)).ToArray()),
                            CertificateRows.TextArray("ids", ids),
                            CertificateRows.TextArray("serials", revoking.Select(row => row.Serial).ToArray()),
                            CertificateRows.TextArray("issuer_ids", revoking.Select(row => row.IssuerId).ToArray()),
                        },
                    },
                    new("UPDATE managed_certificates SET status = 'Revoked', revoked_at = now(), revocation_reason = @reason, updated_at = now() WHERE id = ANY (@ids)")
                    {
                        Parameters = { CertificateRows.Text("reason", reason), CertificateRows.TextArray("ids", ids) },
                    },
                },
            };
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        var result = new BulkRevokeResult(matched.Count, revoking.Count, skips.Counts, 0, reason);
        await BulkAudit.WriteAsync(connection, transaction, actor, "bulk_revocation_initiated", new
        {
            Criteria = selection.ForAudit(),
            result.Reason,
            result.Matched,
            result.Revoked,
            result.Skipped,
            result.Failed,
        }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await notice.PublishAsync(
            [.. revoking.Select(row => new RevokedSerialNotice(row.Id, row.IssuerId, row.Serial, revocationReason))], actor);
        return TypedResults.Ok(result);
    }
}
