using System.Security.Claims;
using Certctl.Domain;
using Certctl.Gateway.Auth;
using Certctl.Gateway.Caching;
using Certctl.Gateway.Certificates;
using Certctl.Gateway.Jobs;
using Certctl.Gateway.Paging;
using Certctl.Gateway.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Certctl.Gateway.Agents;

/// <summary>
/// The operator side of agents under <c>/api/v1/agents</c>: list (active and retired), get and retire. Registration and the
/// agent-side paths are proxied to Certctl.AgentIngest and are not mapped here.
/// </summary>
public static class AgentEndpoints
{
    /// <summary>Agents the server owns for agentless work; they can never be retired.</summary>
    public static readonly IReadOnlySet<string> Sentinels = new HashSet<string>(StringComparer.Ordinal)
    {
        "server-scanner", "cloud-aws-sm", "cloud-azure-kv", "cloud-gcp-sm",
    };

    /// <summary>Active agents, newest registration first (partial index on (registered_at, id) WHERE retired_at IS NULL).</summary>
    public static readonly TimestampIdKeyset NewestRegisteredFirst = new("a.registered_at", "a.id", SortDirection.Descending);

    /// <summary>Retired agents, most recently retired first.</summary>
    public static readonly TimestampIdKeyset NewestRetiredFirst = new("a.retired_at", "a.id", SortDirection.Descending);

    private const string Columns = """
        a.id, a.name, a.hostname, a.status, a.last_heartbeat_at, a.os, a.architecture, a.ip_address, a.version,
        a.registered_at, a.retired_at, a.retired_reason, a.created_at, a.updated_at
        """;

    /// <summary>Unfinished job statuses, as SQL literals.</summary>
    private const string UnfinishedJobs = "('Pending', 'AwaitingCSR', 'AwaitingApproval', 'AwaitingIssuer', 'Running')";

    /// <summary>Maps the agent endpoints.</summary>
    public static RouteGroupBuilder MapAgentEndpoints(this RouteGroupBuilder api)
    {
        var agents = api.MapGroup("/agents").WithTags("Agents");
        agents.MapGet("/", ListAgents).WithName("ListAgents").WithListETag("agents")
            .WithSummary("List active agents, newest registration first (keyset cursor; filters status, os)");
        agents.MapGet("/retired", ListRetiredAgents).WithName("ListRetiredAgents").WithListETag("agents", AgentListQuery.Retired)
            .WithSummary("List retired agents, most recently retired first");
        agents.MapGet("/{id}", GetAgent).WithName("GetAgent").WithSummary("Get an agent (retired ones too)")
            .ProducesProblem(StatusCodes.Status404NotFound);
        agents.MapDelete("/{id}", RetireAgent).WithName("RetireAgent")
            .WithSummary("Retire an agent; with dependencies it needs force=true and a reason, and then retires its targets and cancels its jobs")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return agents;
    }

    /// <summary>GET /agents.</summary>
    public static async Task<Ok<Page<AgentResponse>>> ListAgents(
        [AsParameters] PageRequest page, [AsParameters] AgentListQuery filter, CursorCodec cursors, NpgsqlDataSource db,
        CancellationToken cancellationToken)
    {
        var query = new KeysetQuery(page, NewestRegisteredFirst, cursors);
        await using var command = db.CreateCommand();
        command.CommandText =
            $"SELECT {Columns} FROM agents a WHERE {filter.Predicate(command)} AND {query.Where} ORDER BY {query.OrderBy} LIMIT {KeysetQuery.LimitPlaceholder}";
        return TypedResults.Ok(await query.ReadAsync(command, Read, agent => new KeysetPosition(agent.RegisteredAt, agent.Id), cancellationToken));
    }

    /// <summary>GET /agents/retired.</summary>
    public static async Task<Ok<Page<AgentResponse>>> ListRetiredAgents(
        [AsParameters] PageRequest page, CursorCodec cursors, NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        var query = new KeysetQuery(page, NewestRetiredFirst, cursors);
        await using var command = db.CreateCommand();
        command.CommandText =
            $"SELECT {Columns} FROM agents a WHERE {AgentListQuery.Retired.Predicate(command)} AND {query.Where} ORDER BY {query.OrderBy} LIMIT {KeysetQuery.LimitPlaceholder}";
        return TypedResults.Ok(await query.ReadAsync(command, Read, agent => new KeysetPosition(agent.RetiredAt!.Value, agent.Id), cancellationToken));
    }

    /// <summary>GET /agents/{id}.</summary>
    public static async Task<Results<Ok<AgentResponse>, NotFound>> GetAgent(string id, NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand($"SELECT {Columns} FROM agents a WHERE a.id = @id");
        command.Parameters.Add(CertificateRows.Text("id", id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? TypedResults.Ok(Read(reader)) : TypedResults.NotFound();
    }

    /// <summary>
    /// DELETE /agents/{id}: sentinels are 403; already retired is 204; with dependencies and no <c>force</c> a 409 carrying the
    /// counts; <c>force</c> needs a <c>reason</c> (400) and then retires the agent and its active targets and cancels its
    /// unfinished jobs in the same transaction, with the audit rows.
    /// </summary>
    public static async Task<Results<Ok<AgentRetired>, NoContent, NotFound, ValidationProblem, ProblemHttpResult>> RetireAgent(
        string id, [FromQuery(Name = "force")] bool? force, [FromQuery(Name = "reason")] string? reason, ClaimsPrincipal user,
        NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        if (Sentinels.Contains(id))
        {
            throw new DomainProblemException(StatusCodes.Status403Forbidden, "Sentinel agent",
                $"{id} is a built-in agent that owns agentless work; it cannot be retired.");
        }

        var cascade = force == true;
        var errors = new FieldErrors()
            .AddIf(cascade && string.IsNullOrWhiteSpace(reason), "reason", "is required with force=true")
            .MaxLength("reason", reason, 1000);
        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        var actor = user.GetOperator().Name;
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockAgent = new NpgsqlCommand("SELECT retired_at IS NOT NULL FROM agents WHERE id = @id FOR UPDATE", connection, transaction))
        {
            lockAgent.Parameters.Add(CertificateRows.Text("id", id));
            switch (await lockAgent.ExecuteScalarAsync(cancellationToken))
            {
                case null:
                    return TypedResults.NotFound();
                case true:
                    return TypedResults.NoContent();
            }
        }

        var counts = await CountDependenciesAsync(connection, transaction, id, cancellationToken);
        if (!counts.IsEmpty && !cascade)
        {
            return TypedResults.Problem(
                $"Agent {id} has {counts.ActiveTargets} active target(s), {counts.ActiveCertificates} active certificate(s) on them and {counts.PendingJobs} unfinished job(s); retire with force=true and a reason to cascade.",
                statusCode: StatusCodes.Status409Conflict, title: "Agent has dependencies",
                extensions: new Dictionary<string, object?> { ["counts"] = counts });
        }

        var storedReason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        // Jobs first: they are found through the targets while those are still active.
        long cancelledJobs;
        await using (var cancel = new NpgsqlCommand(
            $"""
            UPDATE jobs SET status = 'Cancelled', last_error = 'agent retired: ' || COALESCE(@reason, 'no reason given'),
                            completed_at = now(), lease_expires_at = NULL, updated_at = now()
            WHERE status IN {UnfinishedJobs}
              AND (agent_id = @id OR target_id IN (SELECT t.id FROM deployment_targets t WHERE t.agent_id = @id))
            """, connection, transaction))
        {
            cancel.Parameters.Add(CertificateRows.Text("id", id));
            cancel.Parameters.Add(CertificateRows.Text("reason", storedReason));
            cancelledJobs = await cancel.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var retire = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new("""
                    UPDATE issuance_approval_requests r SET state = 'rejected', decided_by = @actor, decided_at = now(),
                                                            decision_note = 'agent retired', updated_at = now()
                    FROM jobs j
                    WHERE r.job_id = j.id AND r.state = 'pending' AND j.status = 'Cancelled'
                      AND (j.agent_id = @id OR j.target_id IN (SELECT t.id FROM deployment_targets t WHERE t.agent_id = @id))
                    """)
                {
                    Parameters = { CertificateRows.Text("id", id), CertificateRows.Text("actor", actor) },
                },
                new("UPDATE deployment_targets SET retired_at = now(), retired_reason = @reason, updated_at = now() WHERE agent_id = @id AND retired_at IS NULL")
                {
                    Parameters = { CertificateRows.Text("id", id), CertificateRows.Text("reason", storedReason) },
                },
                new("UPDATE agents SET retired_at = now(), retired_reason = @reason, updated_at = now() WHERE id = @id")
                {
                    Parameters = { CertificateRows.Text("id", id), CertificateRows.Text("reason", storedReason) },
                },
            },
        })
        {
            await retire.ExecuteNonQueryAsync(cancellationToken);
        }

        await OperationsAudit.WriteAsync(connection, transaction, actor, "agent_retired", "agent", id,
            new Dictionary<string, object?> { ["reason"] = storedReason, ["force"] = cascade }, cancellationToken);
        if (cascade && !counts.IsEmpty)
        {
            await OperationsAudit.WriteAsync(connection, transaction, actor, "agent_retirement_cascaded", "agent", id,
                new Dictionary<string, object?>
                {
                    ["reason"] = storedReason,
                    ["active_targets"] = counts.ActiveTargets,
                    ["active_certificates"] = counts.ActiveCertificates,
                    ["cancelled_jobs"] = cancelledJobs,
                }, cancellationToken);
        }

        var retiredAt = await TransactionNowAsync(connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(new AgentRetired(retiredAt, AlreadyRetired: false, cascade, counts, cancelledJobs));
    }

    /// <summary>now() of the transaction: the retired_at just written on the agent and its targets.</summary>
    private static async Task<DateTimeOffset> TransactionNowAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT now()", connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return reader.GetFieldValue<DateTimeOffset>(0);
    }

    /// <summary>The three dependency counts in one statement, inside the caller's transaction.</summary>
    private static async Task<AgentDependencies> CountDependenciesAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string id, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"""
            SELECT
                (SELECT count(*) FROM deployment_targets t WHERE t.agent_id = @id AND t.retired_at IS NULL),
                (SELECT count(DISTINCT m.certificate_id)
                 FROM deployment_targets t
                 JOIN certificate_target_mappings m ON m.target_id = t.id
                 JOIN managed_certificates c ON c.id = m.certificate_id
                 WHERE t.agent_id = @id AND t.retired_at IS NULL AND c.status NOT IN ('Archived', 'Revoked', 'Expired')),
                (SELECT count(*) FROM jobs j
                 WHERE j.status IN {UnfinishedJobs}
                   AND (j.agent_id = @id OR j.target_id IN (SELECT t.id FROM deployment_targets t WHERE t.agent_id = @id)))
            """, connection, transaction);
        command.Parameters.Add(CertificateRows.Text("id", id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new AgentDependencies(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    private static AgentResponse Read(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        JobRows.Timestamp(reader, 4),
        reader.GetString(5),
        reader.GetString(6),
        reader.GetString(7),
        reader.GetString(8),
        reader.GetFieldValue<DateTimeOffset>(9),
        JobRows.Timestamp(reader, 10),
        JobRows.Text(reader, 11),
        reader.GetFieldValue<DateTimeOffset>(12),
        reader.GetFieldValue<DateTimeOffset>(13));
}
