using System.Text.Json;
using Certctl.Secrets;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Certctl.AgentIngest.Work;

/// <summary>
/// One work poll, in one transaction: claims the agent's due Pending deployment jobs (<c>FOR UPDATE SKIP LOCKED</c>, so two
/// polls never get the same job) and moves them to Running with one more attempt, then lists the AwaitingCSR issuance and
/// renewal jobs of certificates mapped to the agent's targets (read, not changed: they stay AwaitingCSR until a CSR arrives).
/// </summary>
/// <remarks>
/// Target configurations are decrypted here, for the agent that owns the target and over its authenticated channel; a
/// configuration that does not decrypt rolls the claim back, so no job is left Running without the agent having seen it.
/// </remarks>
public sealed class WorkClaim(NpgsqlDataSource db, ConfigurationCipher cipher, TimeProvider time, IOptions<AgentIngestOptions> options)
{
    // Jobs addressed to the agent, and legacy ones without an agent whose target is the agent's; each branch walks its index.
    // Jobs addressed to the agent, and legacy ones without an agent whose target is the agent's; each branch walks its index and
    // skips rows another poll holds, so a poll under contention still fills up from the rows nobody holds.
    private const string ClaimDeployments = """
        WITH direct AS (
            SELECT j.id, j.next_attempt_at FROM jobs j
            WHERE j.status = 'Pending' AND j.type = 'Deployment' AND j.agent_id = @agent_id AND j.next_attempt_at <= @now
            ORDER BY j.next_attempt_at, j.id
            LIMIT @limit
            FOR UPDATE OF j SKIP LOCKED
        ),
        legacy AS (
            SELECT j.id, j.next_attempt_at FROM jobs j JOIN deployment_targets t ON t.id = j.target_id
            WHERE j.status = 'Pending' AND j.type = 'Deployment' AND j.agent_id IS NULL AND t.agent_id = @agent_id AND j.next_attempt_at <= @now
            ORDER BY j.next_attempt_at, j.id
            LIMIT @limit
            FOR UPDATE OF j SKIP LOCKED
        ),
        locked AS (
            SELECT id FROM (SELECT id, next_attempt_at FROM direct UNION ALL SELECT id, next_attempt_at FROM legacy) AS both_kinds
            ORDER BY next_attempt_at, id
            LIMIT @limit
        ),
        claimed AS (
            UPDATE jobs j SET status = 'Running', agent_id = @agent_id, attempts = j.attempts + 1, started_at = @now, updated_at = @now
            FROM locked
            WHERE j.id = locked.id
            RETURNING j.id, j.certificate_id, j.target_id, j.next_attempt_at
        )
        SELECT c.id, c.certificate_id, c.target_id, t.type, t.encrypted_config, t.config::text
        FROM claimed c
        LEFT JOIN deployment_targets t ON t.id = c.target_id
        ORDER BY c.next_attempt_at, c.id
        """;

    private const string CsrRequests = """
        SELECT j.id, j.type, j.certificate_id, c.common_name, c.sans
        FROM jobs j
        JOIN managed_certificates c ON c.id = j.certificate_id
        WHERE j.status = 'AwaitingCSR' AND j.type IN ('Issuance', 'Renewal')
          AND EXISTS (SELECT 1 FROM certificate_target_mappings m JOIN deployment_targets t ON t.id = m.target_id
                      WHERE m.certificate_id = j.certificate_id AND t.agent_id = @agent_id AND t.retired_at IS NULL)
        ORDER BY j.created_at, j.id
        LIMIT @limit
        """;

    /// <summary>Claims and lists the agent's work.</summary>
    public async Task<WorkResponse> PollAsync(string agentId, CancellationToken cancellationToken)
    {
        var items = new List<WorkItem>();
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var claim = Command(ClaimDeployments, connection, transaction, agentId))
        await using (var reader = await claim.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var targetId = reader.IsDBNull(2) ? null : reader.GetString(2);
                var config = targetId is null || reader.IsDBNull(3)
                    ? (JsonElement?)null
                    : TargetConfiguration(targetId, reader.IsDBNull(4) ? null : reader.GetFieldValue<byte[]>(4), reader.GetString(5));
                items.Add(new WorkItem(reader.GetString(0), "Deployment", reader.GetString(1), "Running", null, null, targetId,
                    reader.IsDBNull(3) ? null : reader.GetString(3), config));
            }
        }

        await using (var csr = Command(CsrRequests, connection, transaction, agentId))
        await using (var reader = await csr.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(new WorkItem(reader.GetString(0), reader.GetString(1), reader.GetString(2), "AwaitingCSR", reader.GetString(3),
                    reader.GetFieldValue<string[]>(4), null, null, null));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return new WorkResponse(items, items.Count);
    }

    // The full configuration the gateway sealed for this target; targets written before encryption (the demo seed) have only the plain column.
    private JsonElement TargetConfiguration(string targetId, byte[]? sealedConfig, string plainConfig)
    {
        using var document = sealedConfig is null ? JsonDocument.Parse(plainConfig) : JsonDocument.Parse(cipher.Decrypt(sealedConfig, targetId));
        return document.RootElement.Clone();
    }

    private NpgsqlCommand Command(string sql, NpgsqlConnection connection, NpgsqlTransaction transaction, string agentId)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string>("agent_id", agentId));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", time.GetUtcNow()));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", options.Value.WorkLimit));
        return command;
    }
}
