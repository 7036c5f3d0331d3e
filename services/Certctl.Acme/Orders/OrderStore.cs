using Certctl.Acme.Http;
using System.Text.Json;
using Certctl.Acme.Problems;
using Certctl.Acme.Protocol;
using Npgsql;
using NpgsqlTypes;

namespace Certctl.Acme.Orders;

/// <summary>
/// The SQL of orders: a new order with its authorizations and challenges in one round trip, and an order with its authorization ids.
/// A processing order whose issuance job was cancelled (an operator rejected its approval or cancelled the job, or the approval
/// expired) is moved to <c>invalid</c> when it is read: nothing else tells the ACME server, and the client learns it on its next poll.
/// </summary>
public sealed class OrderStore(NpgsqlDataSource db, TimeProvider time)
{
    private const string SelectOrder = """
        SELECT o.id, o.account_id, o.profile_id, o.status, o.identifiers::text, o.not_before, o.not_after, o.expires_at, o.error::text,
               o.certificate_id, o.replaces,
               ARRAY(SELECT oa.authorization_id FROM acme_order_authorizations oa WHERE oa.order_id = o.id ORDER BY oa.position),
               j.status, j.last_error
        FROM acme_orders o
        LEFT JOIN jobs j ON j.id = o.job_id AND o.status = 'processing'
        """;

    /// <summary>
    /// Writes the order, its new authorizations and challenges, its list of authorizations (reused ones included) and the
    /// <c>acme_order_created</c> audit row, all or nothing: one batch is one implicit transaction and one round trip.
    /// </summary>
    public async Task CreateAsync(NewOrderRows order, AcmeProfilePolicy profile, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var authorizations = order.Authorizations;
        var challenges = authorizations.SelectMany(a => a.Challenges.Select(c => (AuthorizationId: a.Id, Challenge: c))).ToArray();
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new("""
                    INSERT INTO acme_orders (id, account_id, profile_id, status, identifiers, not_before, not_after, expires_at, replaces, created_at, updated_at)
                    VALUES (@id, @account_id, @profile_id, @status, @identifiers, @not_before, @not_after, @expires_at, @replaces, @now, @now)
                    """)
                {
                    Parameters =
                    {
                        new NpgsqlParameter<string>("id", order.OrderId),
                        new NpgsqlParameter<string>("account_id", order.AccountId),
                        new NpgsqlParameter<string>("profile_id", order.ProfileId),
                        new NpgsqlParameter<string>("status", order.Status),
                        new NpgsqlParameter("identifiers", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(order.Identifiers, AcmeJson.Options) },
                        Nullable("not_before", order.NotBefore),
                        Nullable("not_after", order.NotAfter),
                        new NpgsqlParameter<DateTimeOffset>("expires_at", order.ExpiresAt),
                        new NpgsqlParameter("replaces", NpgsqlDbType.Text) { Value = (object?)order.Replaces ?? DBNull.Value },
                        new NpgsqlParameter<DateTimeOffset>("now", now),
                    },
                },
                new("""
                    INSERT INTO acme_authorizations (id, order_id, account_id, identifier_type, identifier_value, wildcard, status, expires_at,
                                                     challenge_proven, created_at, updated_at)
                    SELECT a.id, @order_id, @account_id, a.type, a.value, a.wildcard, a.status, a.expires_at, @challenge_proven,
                           @now + a.ordinal * interval '1 microsecond', @now
                    FROM unnest(@ids, @types, @values, @wildcards, @statuses, @expires) WITH ORDINALITY AS a(id, type, value, wildcard, status, expires_at, ordinal)
                    """)
                {
                    Parameters =
                    {
                        new NpgsqlParameter<bool>("challenge_proven", profile.AuthMode == AcmeAuthMode.Challenge),
                        new NpgsqlParameter<string>("order_id", order.OrderId),
                        new NpgsqlParameter<string>("account_id", order.AccountId),
                        new NpgsqlParameter<DateTimeOffset>("now", now),
                        new NpgsqlParameter<string[]>("ids", [.. authorizations.Select(a => a.Id)]),
                        new NpgsqlParameter<string[]>("types", [.. authorizations.Select(a => a.Identifier.Type)]),
                        new NpgsqlParameter<string[]>("values", [.. authorizations.Select(a => a.Identifier.Value)]),
                        new NpgsqlParameter<bool[]>("wildcards", [.. authorizations.Select(a => a.Wildcard)]),
                        new NpgsqlParameter<string[]>("statuses", [.. authorizations.Select(a => a.Status)]),
                        new NpgsqlParameter<DateTimeOffset[]>("expires", [.. authorizations.Select(a => a.ExpiresAt)]),
                    },
                },
                new("""
                    INSERT INTO acme_challenges (id, authorization_id, type, token, status, validated_at, created_at, updated_at)
                    SELECT c.id, c.authorization_id, c.type, c.token, c.status, c.validated_at, @now, @now
                    FROM unnest(@ids, @authorization_ids, @types, @tokens, @statuses, @validated) AS c(id, authorization_id, type, token, status, validated_at)
                    """)
                {
                    Parameters =
                    {
                        new NpgsqlParameter<DateTimeOffset>("now", now),
                        new NpgsqlParameter<string[]>("ids", [.. challenges.Select(c => c.Challenge.Id)]),
                        new NpgsqlParameter<string[]>("authorization_ids", [.. challenges.Select(c => c.AuthorizationId)]),
                        new NpgsqlParameter<string[]>("types", [.. challenges.Select(c => c.Challenge.Type)]),
                        new NpgsqlParameter<string[]>("tokens", [.. challenges.Select(c => c.Challenge.Token)]),
                        new NpgsqlParameter<string[]>("statuses", [.. challenges.Select(c => c.Challenge.Status)]),
                        new NpgsqlParameter<DateTimeOffset?[]>("validated", [.. challenges.Select(c => c.Challenge.ValidatedAt)]),
                    },
                },
                new("""
                    INSERT INTO acme_order_authorizations (order_id, authorization_id, position)
                    SELECT @order_id, l.id, l.position FROM unnest(@ids) WITH ORDINALITY AS l(id, position)
                    """)
                {
                    // New and reused, in the order the identifiers were sent: the order object lists them so.
                    Parameters =
                    {
                        new NpgsqlParameter<string>("order_id", order.OrderId),
                        new NpgsqlParameter<string[]>("ids", [.. order.AuthorizationIds]),
                    },
                },
                AcmeAudit.Command(order.AccountId, "acme_order_created", "acme_order", order.OrderId, new
                {
                    profile_id = order.ProfileId,
                    auth_mode = profile.AuthMode == AcmeAuthMode.Challenge ? "challenge" : "trust_authenticated",
                    identifiers = order.Identifiers.Select(i => $"{i.Type}:{i.Value}").ToArray(),
                    replaces = order.Replaces,
                    reused_authorizations = order.AuthorizationIds.Except(order.Authorizations.Select(a => a.Id)).ToArray(),
                }),
            },
        };
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The order with its authorization ids; null when there is none.</summary>
    public async Task<AcmeOrder?> FindAsync(string orderId, CancellationToken cancellationToken)
    {
        AcmeOrder order;
        string? jobStatus, jobError;
        await using (var command = db.CreateCommand(SelectOrder + " WHERE o.id = @id"))
        {
            command.Parameters.Add(new NpgsqlParameter<string>("id", orderId));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            order = Read(reader);
            (jobStatus, jobError) = (reader.IsDBNull(12) ? null : reader.GetString(12), reader.IsDBNull(13) ? null : reader.GetString(13));
        }

        return jobStatus switch
        {
            "AwaitingApproval" => order with { AwaitingApproval = true },
            "Cancelled" => await InvalidateCancelledAsync(order, jobError, cancellationToken),
            _ => order,
        };
    }

    /// <summary>The problem of an order whose issuance was cancelled, from the job's <c>last_error</c>.</summary>
    public static AcmeProblem CancelledProblem(string? lastError) =>
        lastError is { } error && error.StartsWith("rejected: ", StringComparison.Ordinal)
            ? new AcmeProblem(AcmeProblemTypes.Unauthorized, $"An operator rejected the issuance: {error["rejected: ".Length..]}", StatusCodes.Status403Forbidden)
            : new AcmeProblem(AcmeProblemTypes.Unauthorized,
                $"The issuance was cancelled before the certificate was issued: {lastError ?? "no reason given"}", StatusCodes.Status403Forbidden);

    // Conditional on processing, so a concurrent reader or the outcome consumer cannot be overwritten; either way the row is the answer.
    private async Task<AcmeOrder> InvalidateCancelledAsync(AcmeOrder order, string? lastError, CancellationToken cancellationToken)
    {
        var problem = CancelledProblem(lastError);
        await using var command = db.CreateCommand("""
            WITH done AS (
                UPDATE acme_orders SET status = 'invalid', error = @error, updated_at = @now
                WHERE id = @id AND status = 'processing'
                RETURNING id, account_id, job_id)
            INSERT INTO audit_events (actor, actor_type, action, resource_type, resource_id, details)
            SELECT 'acme:' || account_id, 'User', 'acme_order_failed', 'acme_order', id,
                   jsonb_build_object('reason', @reason::text, 'job_id', job_id)
            FROM done
            """);
        command.Parameters.Add(new NpgsqlParameter<string>("id", order.Id));
        command.Parameters.Add(new NpgsqlParameter("error", NpgsqlDbType.Jsonb) { Value = StoredProblem.ToJson(problem) });
        command.Parameters.Add(new NpgsqlParameter<string>("reason", lastError ?? "job cancelled"));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", time.GetUtcNow()));
        await command.ExecuteNonQueryAsync(cancellationToken);
        return await FindAsync(order.Id, cancellationToken) ?? order;
    }

    /// <summary>Reads a row of <see cref="SelectOrder"/>.</summary>
    internal static AcmeOrder Read(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        JsonSerializer.Deserialize<AcmeIdentifier[]>(reader.GetString(4), AcmeJson.Options) ?? [],
        reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
        reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
        reader.GetFieldValue<DateTimeOffset>(7),
        StoredProblem.FromJson(reader.IsDBNull(8) ? null : reader.GetString(8)),
        reader.IsDBNull(9) ? null : reader.GetString(9),
        reader.IsDBNull(10) ? null : reader.GetString(10),
        reader.GetFieldValue<string[]>(11));

    private static NpgsqlParameter Nullable(string name, DateTimeOffset? value) =>
        new(name, NpgsqlDbType.TimestampTz) { Value = value is { } at ? at : DBNull.Value };
}
