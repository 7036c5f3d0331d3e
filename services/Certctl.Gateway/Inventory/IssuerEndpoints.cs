using System.Text.Json;
using System.Text.Json.Nodes;
using Certctl.Domain;
using Certctl.Gateway.Paging;
using Certctl.Gateway.Problems;
using Certctl.Gateway.Security;
using Certctl.Secrets;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using NpgsqlTypes;
using static Certctl.Gateway.Inventory.InventorySql;

namespace Certctl.Gateway.Inventory;

/// <summary>A certificate authority connection; <c>config</c> is always the redacted copy, secrets never leave the database.</summary>
public sealed record Issuer(
    string Id,
    string Name,
    string Type,
    JsonObject Config,
    bool Enabled,
    DateTimeOffset? LastTestedAt,
    string TestStatus,
    string Source,
    string HierarchyMode,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>Body of an issuer create (id optional) or full replace; on replace a <c>********</c> config value keeps the stored secret.</summary>
public sealed record IssuerRequest(string? Id, string? Name, string? Type, JsonObject? Config, bool? Enabled, string? HierarchyMode);

/// <summary><c>/api/v1/issuers</c>: list, get, create, replace, delete; configuration encrypted at rest with AES-256-GCM.</summary>
public static class IssuerEndpoints
{
    private const string Columns = "id, name, type, config::text, enabled, last_tested_at, test_status, source, hierarchy_mode, created_at, updated_at";
    private static readonly string[] HierarchyModes = ["single", "tree"];

    public static RouteGroupBuilder MapIssuerEndpoints(this RouteGroupBuilder api)
    {
        var issuers = api.MapGroup("/issuers").WithTags("Issuers");
        issuers.MapGet("", ListIssuers).WithName(nameof(ListIssuers)).WithSummary("Lists issuers (redacted configuration), oldest first, a cursor page at a time.");
        issuers.MapGet("/{id}", GetIssuer).WithName(nameof(GetIssuer)).WithSummary("Gets an issuer with its redacted configuration.");
        issuers.MapPost("", CreateIssuer).WithName(nameof(CreateIssuer)).WithSummary("Creates an issuer; its configuration is encrypted at rest.");
        issuers.MapPut("/{id}", UpdateIssuer).WithName(nameof(UpdateIssuer)).WithSummary("Replaces an issuer; a ******** value keeps the stored secret.");
        issuers.MapDelete("/{id}", DeleteIssuer).WithName(nameof(DeleteIssuer)).WithSummary("Deletes an issuer no certificate uses.");
        return api;
    }

    public static async Task<Ok<Page<Issuer>>> ListIssuers(
        [AsParameters] PageRequest page, CursorCodec cursors, NpgsqlDataSource db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await ListAsync(db, "issuers", Columns, page, cursors, Read, issuer => new KeysetPosition(issuer.CreatedAt, issuer.Id), cancellationToken));

    public static Task<Results<Ok<Issuer>, ProblemHttpResult>> GetIssuer(string id, NpgsqlDataSource db, CancellationToken cancellationToken) =>
        GetAsync(db, "issuers", Columns, "issuer", id, Read, cancellationToken);

    public static async Task<Results<Created<Issuer>, ValidationProblem>> CreateIssuer(
        IssuerRequest body, IdGenerator ids, ConfigurationCipher cipher, NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        var errors = Validate(IdAndName(body.Id, body.Name), body, out var type);
        var config = body.Config ?? [];
        foreach (var path in ConfigurationRedaction.MaskedPaths(config))
        {
            errors.Add("config", $"{path} is {ConfigurationRedaction.Mask} but there is no stored secret to keep");
        }

        if (errors.IssuerConfig(type, config).HasErrors)
        {
            return errors.ToProblem();
        }

        var id = IdFor(body.Id, ids, IdPrefix.Issuer);
        await using var command = db.CreateCommand($"""
            INSERT INTO issuers (id, name, type, config, encrypted_config, enabled, hierarchy_mode)
            VALUES (@id, @name, @type, @config, @encrypted_config, @enabled, @hierarchy_mode)
            RETURNING {Columns}
            """);
        AddFields(command, id, body, type!, config, cipher);
        var issuer = (await SingleOrDefaultAsync(command, Read, cancellationToken))!;
        return TypedResults.Created($"/api/v1/issuers/{Uri.EscapeDataString(issuer.Id)}", issuer);
    }

    public static async Task<Results<Ok<Issuer>, ValidationProblem, ProblemHttpResult>> UpdateIssuer(
        string id, IssuerRequest body, ConfigurationCipher cipher, NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        var errors = Validate(IdAndName(null, body.Name), body, out var type);
        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        JsonObject? stored;
        await using (var select = new NpgsqlCommand("SELECT encrypted_config FROM issuers WHERE id = @id FOR UPDATE", connection, transaction))
        {
            select.Parameters.Add(Param("id", id));
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return NotFound("issuer", id);
            }

            stored = reader.IsDBNull(0) ? null : JsonNode.Parse(cipher.Decrypt(reader.GetFieldValue<byte[]>(0), id)) as JsonObject;
        }

        var unmatched = new List<string>();
        var config = ConfigurationRedaction.KeepMaskedSecrets(body.Config ?? [], stored, unmatched);
        foreach (var path in unmatched)
        {
            errors.Add("config", $"{path} is {ConfigurationRedaction.Mask} but there is no stored secret to keep");
        }

        if (errors.IssuerConfig(type, config).HasErrors)
        {
            return errors.ToProblem();
        }

        await using var update = new NpgsqlCommand($"""
            UPDATE issuers SET name = @name, type = @type, config = @config, encrypted_config = @encrypted_config, enabled = @enabled,
                hierarchy_mode = @hierarchy_mode, updated_at = now()
            WHERE id = @id
            RETURNING {Columns}
            """, connection, transaction);
        AddFields(update, id, body, type!, config, cipher);
        var issuer = (await SingleOrDefaultAsync(update, Read, cancellationToken))!;
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(issuer);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteIssuer(string id, NpgsqlDataSource db, CancellationToken cancellationToken) =>
        await DeleteAsync(db, "issuers", id, cancellationToken) ? TypedResults.NoContent() : NotFound("issuer", id);

    private static FieldErrors Validate(FieldErrors errors, IssuerRequest body, out string? type)
    {
        type = IssuerTypes.Normalize(body.Type);
        return errors
            .Required("type", body.Type)
            .AddIf(!string.IsNullOrWhiteSpace(body.Type) && type is null, "type", $"unsupported issuer type '{body.Type}'")
            .AddIf(body.HierarchyMode is not null && !HierarchyModes.Contains(body.HierarchyMode), "hierarchy_mode", "must be single or tree");
    }

    private static void AddFields(NpgsqlCommand command, string id, IssuerRequest body, string type, JsonObject config, ConfigurationCipher cipher)
    {
        command.Parameters.Add(Param("id", id));
        command.Parameters.Add(Param("name", body.Name));
        command.Parameters.Add(Param("type", type));
        command.Parameters.Add(Param("config", NpgsqlDbType.Jsonb, ConfigurationRedaction.Redact(config).ToJsonString()));
        command.Parameters.Add(Param("encrypted_config", NpgsqlDbType.Bytea, cipher.Encrypt(JsonSerializer.SerializeToUtf8Bytes(config), id)));
        command.Parameters.Add(Param("enabled", NpgsqlDbType.Boolean, body.Enabled ?? true));
        command.Parameters.Add(Param("hierarchy_mode", body.HierarchyMode ?? "single"));
    }

    // The config column holds only the redacted copy; it is redacted again on the way out in case a row was written elsewhere.
    private static Issuer Read(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        ConfigurationRedaction.Redact(JsonNode.Parse(reader.GetString(3)) as JsonObject ?? []),
        reader.GetBoolean(4),
        reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
        reader.GetString(6),
        reader.GetString(7),
        reader.GetString(8),
        reader.GetFieldValue<DateTimeOffset>(9),
        reader.GetFieldValue<DateTimeOffset>(10));
}
