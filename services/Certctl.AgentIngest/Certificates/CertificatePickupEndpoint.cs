using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Certctl.AgentIngest.Certificates;

/// <summary>
/// <c>GET /api/v1/agents/{id}/certificates/{certificateId}</c>: the newest version's chain (leaf PEM, then the chain), only for
/// a certificate mapped to one of the agent's active targets; audit <c>certificate_retrieved</c>.
/// </summary>
public static class CertificatePickupEndpoint
{
    /// <summary>The certificate an agent picks up.</summary>
    public sealed record CertificatePickup(string CertificateId, string VersionId, string SerialNumber, DateTimeOffset NotAfter, string CertificatePem);

    private const string Sql = """
        SELECT v.id, v.serial_number, v.not_after, v.pem_chain
        FROM certificate_versions v
        WHERE v.certificate_id = @certificate_id
          AND EXISTS (SELECT 1 FROM certificate_target_mappings m JOIN deployment_targets t ON t.id = m.target_id
                      WHERE m.certificate_id = @certificate_id AND t.agent_id = @agent_id AND t.retired_at IS NULL)
        ORDER BY v.created_at DESC, v.id DESC
        LIMIT 1
        """;

    public static async Task<Results<Ok<CertificatePickup>, ProblemHttpResult>> GetAsync(
        string id, string certificateId, NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        CertificatePickup pickup;
        await using (var command = new NpgsqlCommand(Sql, connection))
        {
            command.Parameters.Add(new NpgsqlParameter<string>("certificate_id", certificateId));
            command.Parameters.Add(new NpgsqlParameter<string>("agent_id", id));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return TypedResults.Problem($"Certificate '{certificateId}' has no issued version deployed to a target of this agent.",
                    statusCode: StatusCodes.Status404NotFound, title: "Certificate not found");
            }

            pickup = new CertificatePickup(certificateId, reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetString(3));
        }

        await AgentAudit.WriteAsync(connection, null, id, "certificate_retrieved", "certificate", certificateId,
            new { version_id = pickup.VersionId, serial_number = pickup.SerialNumber }, cancellationToken);
        return TypedResults.Ok(pickup);
    }
}
