using Certctl.Acme.Http;
using Certctl.Acme.Authorizations;
using Certctl.Acme.Orders;
using Certctl.Acme.Problems;
using Certctl.Acme.Protocol;
using Npgsql;
using NpgsqlTypes;

namespace Certctl.Acme.Challenges;

/// <summary>
/// The SQL of challenges: find one with its context, start its validation (pending → processing), and record the outcome, which moves
/// the authorization and then the order in the same transaction (RFC 8555 §7.1.6).
/// </summary>
public sealed class ChallengeStore(NpgsqlDataSource db)
{
    private const string Select = """
        SELECT c.id, c.authorization_id, c.type, c.token, c.status, c.validated_at, c.error::text,
               a.order_id, a.account_id, acc.jwk_thumbprint, a.identifier_type, a.identifier_value, a.status, a.expires_at,
               p.acme_allow_private_addresses
        FROM acme_challenges c
        JOIN acme_authorizations a ON a.id = c.authorization_id
        JOIN acme_accounts acc ON acc.id = a.account_id
        JOIN acme_orders o ON o.id = a.order_id
        JOIN certificate_profiles p ON p.id = o.profile_id
        """;

    /// <summary>The challenge with its validation context; null when there is none.</summary>
    public async Task<ChallengeTarget?> FindAsync(string challengeId, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand(Select + " WHERE c.id = @id");
        command.Parameters.Add(new NpgsqlParameter<string>("id", challengeId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <summary>
    /// Moves a pending challenge of a pending, unexpired authorization to processing (audit <c>acme_challenge_processing</c>); false
    /// when it was not pending (a repeated POST, or another challenge of the authorization already decided it).
    /// </summary>
    public async Task<bool> StartAsync(string challengeId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            WITH started AS (
                UPDATE acme_challenges c SET status = 'processing', updated_at = @now
                FROM acme_authorizations a
                WHERE c.id = @id AND c.status = 'pending' AND a.id = c.authorization_id AND a.status = 'pending' AND a.expires_at > @now
                RETURNING c.id, c.type, a.account_id, a.id AS authorization_id, a.identifier_value)
            INSERT INTO audit_events (actor, actor_type, action, resource_type, resource_id, details)
            SELECT 'acme:' || account_id, 'User', 'acme_challenge_processing', 'acme_challenge', id,
                   jsonb_build_object('authz_id', authorization_id, 'type', type, 'identifier', identifier_value)
            FROM started
            RETURNING 1
            """);
        command.Parameters.Add(new NpgsqlParameter<string>("id", challengeId));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    /// <summary>
    /// Records a validation outcome, in one transaction that first locks the order (so two authorizations finishing at once both see each
    /// other): the challenge becomes valid or invalid; its authorization follows if still pending; the order becomes ready when every
    /// authorization is valid, or invalid when one is invalid. False when the challenge was no longer processing (another replica
    /// recorded it first).
    /// </summary>
    public async Task<bool> CompleteAsync(ChallengeTarget target, Validation.ChallengeValidationResult result, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var status = result.IsValid ? AcmeStatus.Valid : AcmeStatus.Invalid;
        var problem = result.IsValid ? null : (result.Problem ?? new AcmeProblem(AcmeProblemTypes.IncorrectResponse,
            $"{target.Challenge.Type} validation failed.", StatusCodes.Status403Forbidden)) with { Identifier = target.Identifier };
        var orderError = problem is null ? null : new AcmeProblem(AcmeProblemTypes.IncorrectResponse,
            $"The authorization of {target.Identifier.Value} failed; see the subproblem.", StatusCodes.Status403Forbidden)
        {
            Subproblems = [problem],
        };
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new("SELECT 1 FROM acme_orders WHERE id = @order_id FOR UPDATE")
                {
                    Parameters = { new NpgsqlParameter<string>("order_id", target.OrderId) },
                },
                new("""
                    WITH challenge AS (
                        UPDATE acme_challenges SET status = @status, validated_at = CASE WHEN @status = 'valid' THEN @now END,
                                                   error = @error, updated_at = @now
                        WHERE id = @id AND status = 'processing'
                        RETURNING authorization_id),
                    authorization_change AS (
                        UPDATE acme_authorizations a SET status = @status, updated_at = @now
                        FROM challenge WHERE a.id = challenge.authorization_id AND a.status = 'pending'
                        RETURNING a.id),
                    audit AS (
                        INSERT INTO audit_events (actor, actor_type, action, resource_type, resource_id, details)
                        SELECT @actor, 'User', 'acme_challenge_completed', 'acme_challenge', @id, @details FROM challenge)
                    SELECT count(*) FROM challenge
                    """)
                {
                    Parameters =
                    {
                        new NpgsqlParameter<string>("id", target.Challenge.Id),
                        new NpgsqlParameter<string>("status", status),
                        new NpgsqlParameter<DateTimeOffset>("now", now),
                        new NpgsqlParameter("error", NpgsqlDbType.Jsonb) { Value = problem is null ? DBNull.Value : StoredProblem.ToJson(problem) },
                        new NpgsqlParameter<string>("actor", AcmeAudit.Actor(target.AccountId)),
                        new NpgsqlParameter("details", NpgsqlDbType.Jsonb)
                        {
                            Value = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object?>
                            {
                                ["valid"] = result.IsValid, ["type"] = target.Challenge.Type, ["identifier"] = target.Identifier.Value,
                                ["error"] = problem?.Detail,
                            }),
                        },
                    },
                },
                new("""
                    UPDATE acme_orders o
                    SET status = CASE WHEN d.any_invalid THEN 'invalid' WHEN d.all_valid THEN 'ready' ELSE o.status END,
                        error = CASE WHEN d.any_invalid THEN @order_error ELSE o.error END,
                        updated_at = @now
                    FROM (SELECT bool_or(a.status IN ('invalid', 'deactivated', 'expired', 'revoked')) AS any_invalid, bool_and(a.status = 'valid') AS all_valid
                          FROM acme_order_authorizations oa JOIN acme_authorizations a ON a.id = oa.authorization_id
                          WHERE oa.order_id = @order_id) d
                    WHERE o.id = @order_id AND o.status = 'pending' AND (d.any_invalid OR d.all_valid)
                    """)
                {
                    Parameters =
                    {
                        new NpgsqlParameter<string>("order_id", target.OrderId),
                        new NpgsqlParameter<DateTimeOffset>("now", now),
                        new NpgsqlParameter("order_error", NpgsqlDbType.Jsonb) { Value = orderError is null ? DBNull.Value : StoredProblem.ToJson(orderError) },
                    },
                },
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        // First the lock's row, then the count of challenges this call recorded (0 when another replica was first).
        while (await reader.ReadAsync(cancellationToken))
        {
        }

        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var recorded = reader.GetInt64(0) > 0;
        while (await reader.NextResultAsync(cancellationToken))
        {
        }

        return recorded;
    }

    /// <summary>Processing challenges not touched since <paramref name="before"/>: their validation was lost with a replica.</summary>
    public async Task<IReadOnlyList<string>> FindStrandedAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand(
            "SELECT id FROM acme_challenges WHERE status = 'processing' AND updated_at < @before ORDER BY updated_at LIMIT @limit");
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("before", before));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private static ChallengeTarget Read(NpgsqlDataReader reader)
    {
        var challenge = new AcmeChallenge(
            reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
            reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
            StoredProblem.FromJson(reader.IsDBNull(6) ? null : reader.GetString(6)));
        return new ChallengeTarget(
            challenge, reader.GetString(7), reader.GetString(8), reader.GetString(9), new AcmeIdentifier(reader.GetString(10), reader.GetString(11)),
            reader.GetString(12), reader.GetFieldValue<DateTimeOffset>(13), reader.GetBoolean(14));
    }
}
