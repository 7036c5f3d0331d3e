using System.Security.Claims;
using Certctl.Domain;
using Certctl.Gateway.Auth;
using Certctl.Gateway.Pki;
using Certctl.Gateway.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Certctl.Gateway.Certificates;

/// <summary><c>POST /certificates/{id}/revoke</c>: revokes the latest issued version and records it for the CRL.</summary>
public static class CertificateRevocation
{
    /// <summary>
    /// In one transaction: locks the certificate, refuses Revoked/Archived (409) and a certificate with no issued version
    /// (409), sets it Revoked, inserts the <c>certificate_revocations</c> row and the <c>certificate_revoked</c> audit row; after the
    /// commit, sends <c>RevokeCertificate</c> to the CA connector (best effort).
    /// </summary>
    public static async Task<Results<Ok<CertificateRevoked>, NotFound, ValidationProblem>> Revoke(
        string id, RevokeCertificateRequest? body, ClaimsPrincipal user, NpgsqlDataSource db, RevocationNotice notice, CancellationToken cancellationToken)
    {
        var reasonText = string.IsNullOrEmpty(body?.Reason) ? RevocationReason.Unspecified.ToWire() : body.Reason;
        if (!WireNames<RevocationReason>.TryParse(reasonText, out var reason))
        {
            return new FieldErrors().Add("reason",
                $"must be one of {string.Join(", ", WireNames<RevocationReason>.Values.Select(value => value.ToWire()))}").ToProblem();
        }

        var actor = user.GetOperator().Name;
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await CertificateEndpoints.LockStatusAsync(connection, transaction, id, cancellationToken) is not { } current)
        {
            return TypedResults.NotFound();
        }

        if (current is CertificateStatus.Revoked or CertificateStatus.Archived)
        {
            throw new DomainProblemException(StatusCodes.Status409Conflict, "Cannot revoke", $"Certificate {id} is already {current.ToWire()}.");
        }

        string serial, issuerId, commonName;
        await using (var latest = new NpgsqlCommand(
            """
            SELECT v.serial_number, v.issuer_id, c.common_name
            FROM certificate_versions v JOIN managed_certificates c ON c.id = v.certificate_id
            WHERE v.certificate_id = @id
            ORDER BY v.created_at DESC, v.id DESC LIMIT 1
            """, connection, transaction))
        {
            latest.Parameters.Add(CertificateRows.Text("id", id));
            await using var reader = await latest.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                throw new DomainProblemException(StatusCodes.Status409Conflict, "Nothing to revoke", $"Certificate {id} has no issued version to revoke.");
            }

            (serial, issuerId, commonName) = (reader.GetString(0), reader.GetString(1), reader.GetString(2));
        }

        CertificateEndpoints.EnsureTransition(id, current, CertificateStatus.Revoked);
        var revocationId = CertificateEndpoints.Ids.NewId(IdPrefix.CertificateRevocation);
        await using (var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new("UPDATE managed_certificates SET status = 'Revoked', revoked_at = now(), revocation_reason = @reason, updated_at = now() WHERE id = @id")
                {
                    Parameters = { CertificateRows.Text("id", id), CertificateRows.Text("reason", reason.ToWire()) },
                },
                new("""
                    INSERT INTO certificate_revocations (id, certificate_id, serial_number, issuer_id, reason, revoked_by)
                    VALUES (@revocation_id, @id, @serial, @issuer_id, @reason, @actor)
                    """)
                {
                    Parameters =
                    {
                        CertificateRows.Text("revocation_id", revocationId), CertificateRows.Text("id", id), CertificateRows.Text("serial", serial),
                        CertificateRows.Text("issuer_id", issuerId), CertificateRows.Text("reason", reason.ToWire()), CertificateRows.Text("actor", actor),
                    },
                },
            },
        })
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        await CertificateRows.AuditAsync(connection, transaction, actor, "certificate_revoked", id,
            new Dictionary<string, string> { ["common_name"] = commonName, ["serial"] = serial, ["reason"] = reason.ToWire() }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        // After the commit: the CA connector tells the issuer, regenerates the CRL and publishes CertificateRevoked. OCSP reads the
        // row itself, and the gateway's OCSP cache re-checks it on every hit, so no cached "good" outlives this commit.
        await notice.PublishAsync([new RevokedSerialNotice(id, issuerId, serial, reason)], actor);
        return TypedResults.Ok(new CertificateRevoked("revoked", revocationId, serial, reason.ToWire()));
    }
}
