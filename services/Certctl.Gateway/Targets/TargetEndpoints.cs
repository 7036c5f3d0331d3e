using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using Certctl.Domain;
using Certctl.Gateway.Inventory;
using Certctl.Gateway.Paging;
using Certctl.Gateway.Problems;
using Certctl.Gateway.Security;
using Certctl.Secrets;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using NpgsqlTypes;

namespace Certctl.Gateway.Targets;

/// <summary>A deployment target; <c>config</c> is always the redacted copy, secrets never leave the database.</summary>
public sealed record DeploymentTarget(
    string Id,
    string Name,
    string Type,
    string AgentId,
    JsonObject Config,
    bool Enabled,
    DateTimeOffset? LastTestedAt,
    string TestStatus,
    string Source,
    DateTimeOffset? RetiredAt,
    string? RetiredReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>Body of a target create (id optional) or full replace; on replace a <c>********</c> config value keeps the stored secret.</summary>
public sealed record DeploymentTargetRequest(
    string? Id,
    string? Name,
    [property: Description("One of " + TargetTypes.Names + " (any letter case).")]
    string? Type,
    string? AgentId,
    JsonObject? Config,
    bool? Enabled);

/// <summary>Filters of <c>GET /targets</c>.</summary>
public sealed record TargetListQuery([property: FromQuery(Name = "agent_id")] string? AgentId = null, [property: FromQuery(Name = "type")] string? Type = null);

/// <summary><c>/api/v1/targets</c>: list, get, create, replace, delete; configuration encrypted at rest like the issuers'.</summary>
public static class TargetEndpoints
{
    private const string Columns =
        "id, name, type, agent_id, config::text, enabled, last_tested_at, test_status, source, retired_at, retired_reason, created_at, updated_at";

    private static readonly TimestampIdKeyset ByCreation = new("created_at", "id", SortDirection.Ascending);

    public static RouteGroupBuilder MapTargetEndpoints(this RouteGroupBuilder api)
    {
        var targets = api.MapGroup("/targets").WithTags("Targets");
        targets.MapGet("", ListTargets).WithName(nameof(ListTargets)).WithSummary("Lists deployment targets (redacted configuration), oldest first; filters agent_id, type.");
        targets.MapGet("/{id}", GetTarget).WithName(nameof(GetTarget)).WithSummary("Gets a deployment target with its redacted configuration.");
        targets.MapPost("", CreateTarget).WithName(nameof(CreateTarget)).WithSummary("Creates a deployment target on an active agent; its configuration is encrypted at rest.");
        targets.MapPut("/{id}", UpdateTarget).WithName(nameof(UpdateTarget)).WithSummary("Replaces a deployment target; a ******** value keeps the stored secret.");
        targets.MapDelete("/{id}", DeleteTarget).WithName(nameof(DeleteTarget)).WithSummary("Deletes a deployment target; its certificate mappings go with it, its jobs keep no target.");
        return api;
    }

    public static async Task<Results<Ok<Page<DeploymentTarget>>, ValidationProblem>> ListTargets(
        [AsParameters] PageRequest page, [AsParameters] TargetListQuery filter, CursorCodec cursors, NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        var type = TargetTypes.Normalize(filter.Type);
        if (!string.IsNullOrEmpty(filter.Type) && type is null)
        {
            return new FieldErrors().Add("type", $"must be one of {string.Join(", ", TargetTypes.All)}").ToProblem();
        }

        var query = new KeysetQuery(page, ByCreation, cursors);
        await using var command = db.CreateCommand($"""
            SELECT {Columns} FROM deployment_targets
            WHERE (@agent_id::text IS NULL OR agent_id = @agent_id) AND (@type::text IS NULL OR type = @type) AND {query.Where}
            ORDER BY {query.OrderBy} LIMIT {KeysetQuery.LimitPlaceholder}
            """);
        command.Parameters.Add(InventorySql.Param("agent_id", NpgsqlDbType.Text, string.IsNullOrEmpty(filter.AgentId) ? null : filter.AgentId));
        command.Parameters.Add(InventorySql.Param("type", NpgsqlDbType.Text, type));
        return TypedResults.Ok(await query.ReadAsync(command, Read, target => new KeysetPosition(target.CreatedAt, target.Id), cancellationToken));
    }

    public static async Task<Results<Ok<DeploymentTarget>, ProblemHttpResult>> GetTarget(string id, NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand($"SELECT {Columns} FROM deployment_targets WHERE id = @id");
        command.Parameters.Add(InventorySql.Param("id", id));
        return await InventorySql.SingleOrDefaultAsync(command, Read, cancellationToken) is { } target
            ? TypedResults.Ok(target)
            : InventorySql.NotFound("deployment target", id);
    }

    public static async Task<Results<Created<DeploymentTarget>, ValidationProblem>> CreateTarget(
        DeploymentTargetRequest body, IdGenerator ids, ConfigurationCipher cipher, NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        var errors = Validate(InventorySql.IdAndName(body.Id, body.Name), body, out var type);
        var config = body.Config ?? [];
        foreach (var path in ConfigurationRedaction.MaskedPaths(config))
        {
            errors.Add("config", $"{path} is {ConfigurationRedaction.Mask} but there is no stored secret to keep");
        }

        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        var id = InventorySql.IdFor(body.Id, ids, IdPrefix.DeploymentTarget);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await EnsureActiveAgentAsync(connection, transaction, body.AgentId!, cancellationToken);
        await using var insert = new NpgsqlCommand($"""
            INSERT INTO deployment_targets (id, name, type, agent_id, config, encrypted_config, enabled)
            VALUES (@id, @name, @type, @agent_id, @config, @encrypted_config, @enabled)
            RETURNING {Columns}
            """, connection, transaction);
        AddFields(insert, id, body, type!, config, cipher);
        var target = (await InventorySql.SingleOrDefaultAsync(insert, Read, cancellationToken))!;
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Created($"/api/v1/targets/{Uri.EscapeDataString(target.Id)}", target);
    }

    public static async Task<Results<Ok<DeploymentTarget>, ValidationProblem, ProblemHttpResult>> UpdateTarget(
        string id, DeploymentTargetRequest body, ConfigurationCipher cipher, NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        var errors = Validate(InventorySql.IdAndName(null, body.Name), body, out var type);
        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        JsonObject? stored;
        string storedAgent;
        await using (var select = new NpgsqlCommand("SELECT encrypted_config, agent_id, config::text FROM deployment_targets WHERE id = @id FOR UPDATE", connection, transaction))
        {
            select.Parameters.Add(InventorySql.Param("id", id));
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return InventorySql.NotFound("deployment target", id);
            }

            // Rows written outside the API (the demo seed) have no ciphertext; their config column is all there is.
            stored = JsonNode.Parse(reader.IsDBNull(0) ? reader.GetString(2) : System.Text.Encoding.UTF8.GetString(cipher.Decrypt(reader.GetFieldValue<byte[]>(0), id))) as JsonObject;
            storedAgent = reader.GetString(1);
        }

        var unmatched = new List<string>();
        var config = ConfigurationRedaction.KeepMaskedSecrets(body.Config ?? [], stored, unmatched);
        foreach (var path in unmatched)
        {
            errors.Add("config", $"{path} is {ConfigurationRedaction.Mask} but there is no stored secret to keep");
        }

        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        // Moving a target needs an active agent; keeping its (possibly since retired) agent does not.
        if (body.AgentId != storedAgent)
        {
            await EnsureActiveAgentAsync(connection, transaction, body.AgentId!, cancellationToken);
        }

        await using var update = new NpgsqlCommand($"""
            UPDATE deployment_targets SET name = @name, type = @type, agent_id = @agent_id, config = @config, encrypted_config = @encrypted_config,
                enabled = @enabled, updated_at = now()
            WHERE id = @id
            RETURNING {Columns}
            """, connection, transaction);
        AddFields(update, id, body, type!, config, cipher);
        var target = (await InventorySql.SingleOrDefaultAsync(update, Read, cancellationToken))!;
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(target);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteTarget(string id, NpgsqlDataSource db, CancellationToken cancellationToken) =>
        await InventorySql.DeleteAsync(db, "deployment_targets", id, cancellationToken) ? TypedResults.NoContent() : InventorySql.NotFound("deployment target", id);

    private static async Task EnsureActiveAgentAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string agentId, CancellationToken cancellationToken)
    {
        // FOR SHARE: a concurrent retirement waits for this transaction (and then sees the new target in its dependency check).
        await using var command = new NpgsqlCommand("SELECT retired_at IS NOT NULL FROM agents WHERE id = @id FOR SHARE", connection, transaction);
        command.Parameters.Add(InventorySql.Param("id", agentId));
        switch (await command.ExecuteScalarAsync(cancellationToken))
        {
            case null:
                throw new DomainProblemException(StatusCodes.Status422UnprocessableEntity, "Unknown reference", $"agent_id '{agentId}' does not exist.");
            case true:
                throw new DomainProblemException(StatusCodes.Status422UnprocessableEntity, "Agent retired", $"Agent '{agentId}' is retired; it cannot take deployment targets.");
        }
    }

    private static FieldErrors Validate(FieldErrors errors, DeploymentTargetRequest body, out string? type)
    {
        type = TargetTypes.Normalize(body.Type);
        return errors
            .Required("type", body.Type)
            .AddIf(!string.IsNullOrWhiteSpace(body.Type) && type is null, "type", $"must be one of {string.Join(", ", TargetTypes.All)}")
            .Required("agent_id", body.AgentId)
            .MaxLength("agent_id", body.AgentId, InventorySql.MaxTextLength);
    }

    private static void AddFields(NpgsqlCommand command, string id, DeploymentTargetRequest body, string type, JsonObject config, ConfigurationCipher cipher)
    {
        command.Parameters.Add(InventorySql.Param("id", id));
        command.Parameters.Add(InventorySql.Param("name", body.Name));
        command.Parameters.Add(InventorySql.Param("type", type));
        command.Parameters.Add(InventorySql.Param("agent_id", body.AgentId));
        command.Parameters.Add(InventorySql.Param("config", NpgsqlDbType.Jsonb, ConfigurationRedaction.Redact(config).ToJsonString()));
        command.Parameters.Add(InventorySql.Param("encrypted_config", NpgsqlDbType.Bytea, cipher.Encrypt(JsonSerializer.SerializeToUtf8Bytes(config), id)));
        command.Parameters.Add(InventorySql.Param("enabled", NpgsqlDbType.Boolean, body.Enabled ?? true));
    }

    // The config column holds only the redacted copy; redacted again on the way out in case a row was written elsewhere (the seed).
    private static DeploymentTarget Read(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        ConfigurationRedaction.Redact(JsonNode.Parse(reader.GetString(4)) as JsonObject ?? []),
        reader.GetBoolean(5),
        reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
        reader.GetString(7),
        reader.GetString(8),
        reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9),
        reader.IsDBNull(10) ? null : reader.GetString(10),
        reader.GetFieldValue<DateTimeOffset>(11),
        reader.GetFieldValue<DateTimeOffset>(12));
}
