using Certctl.Acme.Orders;
using Certctl.Acme.Protocol;
using Npgsql;

namespace Certctl.Acme.Authorizations;

/// <summary>The SQL of authorizations: one with its challenges, and the client's deactivation (RFC 8555 §7.5.2).</summary>
public sealed class AuthorizationStore(NpgsqlDataSource db)
{
    private const string Select = """
        SELECT a.id, a.order_id, a.account_id, a.identifier_type, a.identifier_value, a.wildcard, a.status, a.expires_at,
               c.id, c.type, c.token, c.status, c.validated_at, c.error::text
        FROM acme_authorizations a
        LEFT JOIN acme_challenges c ON c.authorization_id = a.id
        """;

    /// <summary>The authorization and its challenges (http-01, dns-01, tls-alpn-01 order); null when there is none.</summary>
    public async Task<AcmeAuthorization?> FindAsync(string authorizationId, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand(Select + " WHERE a.id = @id ORDER BY c.type");
        command.Parameters.Add(new NpgsqlParameter<string>("id", authorizationId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await ReadAsync(reader, cancellationToken);
    }

    /// <summary>
    /// Deactivates a pending or valid authorization (§7.5.2), and invalidates every unfinished order that lists it (a reused
    /// authorization is listed by several), since those orders can no longer be authorized. Returns the authorization afterwards; a deactivation of a finished authorization changes nothing.
    /// </summary>
    public async Task<AcmeAuthorization?> DeactivateAsync(string authorizationId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using (var connection = await db.OpenConnectionAsync(cancellationToken))
        await using (var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new("""
                    WITH changed AS (
                        UPDATE acme_authorizations SET status = 'deactivated', updated_at = @now
                        WHERE id = @id AND status IN ('pending', 'valid')
                        RETURNING id, account_id),
                    orders AS (
                        UPDATE acme_orders o SET status = 'invalid', error = @error::jsonb, updated_at = @now
                        FROM changed JOIN acme_order_authorizations oa ON oa.authorization_id = changed.id
                        WHERE o.id = oa.order_id AND o.status IN ('pending', 'ready')
                        RETURNING o.id)
                    INSERT INTO audit_events (actor, actor_type, action, resource_type, resource_id, details)
                    SELECT 'acme:' || account_id, 'User', 'acme_authorization_deactivated', 'acme_authorization', @id, '{}'::jsonb FROM changed
                    """)
                {
                    Parameters =
                    {
                        new NpgsqlParameter<string>("id", authorizationId),
                        new NpgsqlParameter<DateTimeOffset>("now", now),
                        new NpgsqlParameter<string>("error", StoredProblem.ToJson(new Problems.AcmeProblem(
                            Problems.AcmeProblemTypes.Unauthorized, "An authorization of this order was deactivated by the client.",
                            StatusCodes.Status403Forbidden))),
                    },
                },
            },
        })
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        return await FindAsync(authorizationId, cancellationToken);
    }

    private static async Task<AcmeAuthorization?> ReadAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        AcmeAuthorization? authorization = null;
        var challenges = new List<AcmeChallenge>();
        while (await reader.ReadAsync(cancellationToken))
        {
            authorization ??= new AcmeAuthorization(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), new AcmeIdentifier(reader.GetString(3), reader.GetString(4)),
                reader.GetBoolean(5), reader.GetString(6), reader.GetFieldValue<DateTimeOffset>(7), challenges);
            if (!reader.IsDBNull(8))
            {
                challenges.Add(new AcmeChallenge(
                    reader.GetString(8), authorization.Id, reader.GetString(9), reader.GetString(10), reader.GetString(11),
                    reader.IsDBNull(12) ? null : reader.GetFieldValue<DateTimeOffset>(12),
                    StoredProblem.FromJson(reader.IsDBNull(13) ? null : reader.GetString(13))));
            }
        }

        return authorization;
    }
}
