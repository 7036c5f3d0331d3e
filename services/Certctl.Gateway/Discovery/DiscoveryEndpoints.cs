using System.Security.Claims;
using Certctl.Gateway.Auth;
using Certctl.Gateway.Caching;
using Certctl.Gateway.Inventory;
using Certctl.Gateway.Paging;
using Certctl.Gateway.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using NpgsqlTypes;

namespace Certctl.Gateway.Discovery;

/// <summary>A certificate an agent or the network scanner found, and its triage state (Unmanaged, Managed or Dismissed).</summary>
public sealed record DiscoveredCertificate(
    string Id,
    string FingerprintSha256,
    string CommonName,
    IReadOnlyList<string> Sans,
    string SerialNumber,
    string IssuerDn,
    string SubjectDn,
    DateTimeOffset? NotBefore,
    DateTimeOffset? NotAfter,
    string KeyAlgorithm,
    int KeySize,
    bool IsCa,
    string? PemData,
    string SourcePath,
    string SourceFormat,
    string AgentId,
    string? DiscoveryScanId,
    string? ManagedCertificateId,
    string Status,
    DateTimeOffset FirstSeenAt,
    DateTimeOffset LastSeenAt,
    DateTimeOffset? DismissedAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>Body of a claim: the managed certificate the discovered one is (<c>managed_certificate_id</c> is accepted as an alias).</summary>
public sealed record ClaimDiscoveredCertificateRequest(string? CertificateId, string? ManagedCertificateId);

/// <summary><c>/api/v1/discovery/certificates</c>: list (polled, with an ETag), claim and dismiss.</summary>
public static class DiscoveryEndpoints
{
    private const string Columns = """
        id, fingerprint_sha256, common_name, sans, serial_number, issuer_dn, subject_dn, not_before, not_after, key_algorithm, key_size,
        is_ca, pem_data, source_path, source_format, agent_id, discovery_scan_id, managed_certificate_id, status, first_seen_at,
        last_seen_at, dismissed_at, created_at, updated_at
        """;

    // created_at, not last_seen_at: every re-report moves last_seen_at, which would move rows between pages during a walk.
    private static readonly TimestampIdKeyset ByCreation = new("created_at", "id", SortDirection.Ascending);

    public static RouteGroupBuilder MapDiscoveryEndpoints(this RouteGroupBuilder api)
    {
        var discovered = api.MapGroup("/discovery/certificates").WithTags("Discovery");
        discovered.MapGet("", ListDiscoveredCertificates).WithName(nameof(ListDiscoveredCertificates)).WithListETag("discovered_certificates")
            .WithSummary("Lists discovered certificates, oldest first; filters agent_id, status (Unmanaged, Managed, Dismissed).");
        discovered.MapPost("/{id}/claim", ClaimDiscoveredCertificate).WithName(nameof(ClaimDiscoveredCertificate))
            .WithSummary("Links a discovered certificate to an existing managed certificate (status Managed).");
        discovered.MapPost("/{id}/dismiss", DismissDiscoveredCertificate).WithName(nameof(DismissDiscoveredCertificate))
            .WithSummary("Dismisses a discovered certificate (status Dismissed); later reports keep that state.");
        return api;
    }

    public static async Task<Ok<Page<DiscoveredCertificate>>> ListDiscoveredCertificates(
        [AsParameters] PageRequest page, [AsParameters] DiscoveryListQuery filter, CursorCodec cursors, NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        var query = new KeysetQuery(page, ByCreation, cursors);
        await using var command = db.CreateCommand();
        command.CommandText = $"""
            SELECT {Columns} FROM discovered_certificates d
            WHERE {filter.Predicate(command)} AND {query.Where}
            ORDER BY {query.OrderBy} LIMIT {KeysetQuery.LimitPlaceholder}
            """;
        return TypedResults.Ok(await query.ReadAsync(command, Read, row => new KeysetPosition(row.CreatedAt, row.Id), cancellationToken));
    }

    /// <summary>
    /// Unknown discovered certificate 404; missing target 400; unknown managed certificate 422; Dismissed, or already claimed
    /// for another certificate, 409; claiming again for the same certificate is a no-op 200.
    /// </summary>
    public static async Task<Results<Ok<DiscoveredCertificate>, ValidationProblem, ProblemHttpResult>> ClaimDiscoveredCertificate(
        string id, ClaimDiscoveredCertificateRequest body, ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        var certificateId = body.CertificateId ?? body.ManagedCertificateId;
        var errors = new FieldErrors().Required("certificate_id", certificateId).MaxLength("certificate_id", certificateId, InventorySql.MaxTextLength);
        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await LockAsync(connection, transaction, id, cancellationToken) is not { } current)
        {
            return InventorySql.NotFound("discovered certificate", id);
        }

        if (current.Status == "Dismissed")
        {
            throw new DomainProblemException(StatusCodes.Status409Conflict, "Dismissed", $"Discovered certificate {id} was dismissed; it cannot be claimed.");
        }

        if (current.Status == "Managed" && current.ManagedCertificateId != certificateId)
        {
            throw new DomainProblemException(StatusCodes.Status409Conflict, "Already claimed",
                $"Discovered certificate {id} is already linked to {current.ManagedCertificateId}.");
        }

        await using (var exists = new NpgsqlCommand("SELECT 1 FROM managed_certificates WHERE id = @id FOR SHARE", connection, transaction))
        {
            exists.Parameters.Add(InventorySql.Param("id", certificateId));
            if (await exists.ExecuteScalarAsync(cancellationToken) is null)
            {
                throw new DomainProblemException(StatusCodes.Status422UnprocessableEntity, "Unknown reference", $"certificate_id '{certificateId}' does not exist.");
            }
        }

        var claimed = await UpdateAsync(connection, transaction, id,
            "status = 'Managed', managed_certificate_id = @certificate_id", InventorySql.Param("certificate_id", certificateId), cancellationToken);
        await AuditAsync(connection, transaction, user, "discovery_cert_claimed", id, new Dictionary<string, string> { ["managed_certificate_id"] = certificateId! }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(claimed);
    }

    /// <summary>Unmanaged becomes Dismissed (dismissing again is a no-op 200); a claimed (Managed) certificate is a 409.</summary>
    public static async Task<Results<Ok<DiscoveredCertificate>, ProblemHttpResult>> DismissDiscoveredCertificate(
        string id, ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await LockAsync(connection, transaction, id, cancellationToken) is not { } current)
        {
            return InventorySql.NotFound("discovered certificate", id);
        }

        if (current.Status == "Managed")
        {
            throw new DomainProblemException(StatusCodes.Status409Conflict, "Already claimed",
                $"Discovered certificate {id} is managed as {current.ManagedCertificateId}; it cannot be dismissed.");
        }

        var dismissed = await UpdateAsync(connection, transaction, id,
            "status = 'Dismissed', dismissed_at = COALESCE(dismissed_at, now())", parameter: null, cancellationToken);
        await AuditAsync(connection, transaction, user, "discovery_cert_dismissed", id, new Dictionary<string, string>(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(dismissed);
    }

    private static async Task<(string Status, string? ManagedCertificateId)?> LockAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string id, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT status, managed_certificate_id FROM discovered_certificates WHERE id = @id FOR UPDATE", connection, transaction);
        command.Parameters.Add(InventorySql.Param("id", id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)) : null;
    }

    private static async Task<DiscoveredCertificate> UpdateAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string id, string set, NpgsqlParameter? parameter, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"UPDATE discovered_certificates SET {set}, updated_at = now() WHERE id = @id RETURNING {Columns}", connection, transaction);
        command.Parameters.Add(InventorySql.Param("id", id));
        if (parameter is not null)
        {
            command.Parameters.Add(parameter);
        }

        return (await InventorySql.SingleOrDefaultAsync(command, Read, cancellationToken))!;
    }

    private static async Task AuditAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, ClaimsPrincipal user, string action, string id,
        Dictionary<string, string> details, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "INSERT INTO audit_events (actor, actor_type, action, resource_type, resource_id, details) VALUES (@actor, 'User', @action, 'discovered_certificate', @id, @details)",
            connection, transaction);
        command.Parameters.Add(InventorySql.Param("actor", user.GetOperator().Name));
        command.Parameters.Add(InventorySql.Param("action", action));
        command.Parameters.Add(InventorySql.Param("id", id));
        command.Parameters.Add(InventorySql.Param("details", NpgsqlDbType.Jsonb, System.Text.Json.JsonSerializer.Serialize(details)));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static DiscoveredCertificate Read(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetFieldValue<string[]>(3),
        reader.GetString(4),
        reader.GetString(5),
        reader.GetString(6),
        reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
        reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8),
        reader.GetString(9),
        reader.GetInt32(10),
        reader.GetBoolean(11),
        reader.IsDBNull(12) ? null : reader.GetString(12),
        reader.GetString(13),
        reader.GetString(14),
        reader.GetString(15),
        reader.IsDBNull(16) ? null : reader.GetString(16),
        reader.IsDBNull(17) ? null : reader.GetString(17),
        reader.GetString(18),
        reader.GetFieldValue<DateTimeOffset>(19),
        reader.GetFieldValue<DateTimeOffset>(20),
        reader.IsDBNull(21) ? null : reader.GetFieldValue<DateTimeOffset>(21),
        reader.GetFieldValue<DateTimeOffset>(22),
        reader.GetFieldValue<DateTimeOffset>(23));
}
