using Certctl.Domain;
using Certctl.Gateway.Caching;
using Certctl.Gateway.Paging;
using Certctl.Gateway.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Certctl.Gateway.Certificates;

/// <summary>The managed-certificate inventory under <c>/api/v1/certificates</c>: list, create, get, update, archive, versions and targets.</summary>
public static class CertificateEndpoints
{
    /// <summary>IDs for rows this API creates (one generator per process keeps them ordered).</summary>
    internal static readonly IdGenerator Ids = new(TimeProvider.System);

    /// <summary>Maps the certificate endpoints onto the authorized operator group: <c>app.MapOperatorApi().MapCertificateEndpoints()</c>.</summary>
    public static RouteGroupBuilder MapCertificateEndpoints(this RouteGroupBuilder api)
    {
        var certificates = api.MapGroup("/certificates").WithTags("Certificates");
        certificates.MapGet("/", ListCertificates).WithName("ListCertificates").WithListETag("managed_certificates")
            .WithSummary("List certificates (keyset cursor; filters; sort=created_at|expires_at, expiry sort omits certificates without an expiry)");
        certificates.MapPost("/", CreateCertificate).WithName("CreateCertificate").WithSummary("Create a certificate (status Pending) with its target mappings");
        certificates.MapGet("/{id}", GetCertificate).WithName("GetCertificate").WithSummary("Get a certificate")
            .ProducesProblem(StatusCodes.Status404NotFound);
        certificates.MapPut("/{id}", UpdateCertificate).WithName("UpdateCertificate").WithSummary("Update a certificate's mutable fields (not its status)")
            .ProducesProblem(StatusCodes.Status404NotFound);
        certificates.MapDelete("/{id}", ArchiveCertificate).WithName("ArchiveCertificate").WithSummary("Archive a certificate")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        certificates.MapGet("/{id}/versions", ListVersions).WithName("ListCertificateVersions").WithSummary("List a certificate's issued versions, newest first")
            .ProducesProblem(StatusCodes.Status404NotFound);
        certificates.MapPut("/{id}/targets", ReplaceTargets).WithName("ReplaceCertificateTargets").WithSummary("Replace the deployment targets a certificate is mapped to")
            .ProducesProblem(StatusCodes.Status404NotFound);
        certificates.MapPost("/{id}/renew", CertificateRenewal.Renew).WithName("RenewCertificate").WithSummary("Queue one renewal (or first issuance) job")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        certificates.MapPost("/{id}/revoke", CertificateRevocation.Revoke).WithName("RevokeCertificate").WithSummary("Revoke the certificate's latest version")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return certificates;
    }

    /// <summary>GET /certificates.</summary>
    public static async Task<Ok<Page<CertificateResponse>>> ListCertificates(
        [AsParameters] PageRequest page, [AsParameters] CertificateListQuery filter, CursorCodec cursors, NpgsqlDataSource db,
        CancellationToken cancellationToken)
    {
        var keyset = filter.Keyset();
        var query = new KeysetQuery(page, keyset, cursors);
        await using var command = db.CreateCommand();
        var where = filter.Where(command, keyset);
        command.CommandText =
            $"SELECT {CertificateRows.Columns} FROM managed_certificates c WHERE {where} AND {query.Where} ORDER BY {query.OrderBy} LIMIT {KeysetQuery.LimitPlaceholder}";
        var result = await query.ReadAsync(command, CertificateRows.Read,
            certificate => new KeysetPosition(ReferenceEquals(keyset, CertificateListQuery.ByExpiry) ? certificate.ExpiresAt!.Value : certificate.CreatedAt, certificate.Id),
            cancellationToken);
        return TypedResults.Ok(result);
    }

    /// <summary>GET /certificates/{id}.</summary>
    public static async Task<Results<Ok<CertificateResponse>, NotFound>> GetCertificate(string id, NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await CertificateRows.FindAsync(connection, null, id, cancellationToken) is { } certificate
            ? TypedResults.Ok(certificate)
            : TypedResults.NotFound();
    }

    /// <summary>POST /certificates: the row and its target mappings in one transaction; unknown references are 422, a taken name 409.</summary>
    public static async Task<Results<Created<CertificateResponse>, ValidationProblem>> CreateCertificate(
        CreateCertificateRequest body, NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors()
            .Required("name", body.Name).MaxLength("name", body.Name, 255)
            .MaxLength("id", body.Id, 255)
            .Required("owner_id", body.OwnerId).MaxLength("owner_id", body.OwnerId, 255)
            .Required("team_id", body.TeamId).MaxLength("team_id", body.TeamId, 255)
            .Required("issuer_id", body.IssuerId)
            .Required("renewal_policy_id", body.RenewalPolicyId);
        CheckCommon(errors, body.CommonName, body.KeygenMode, body.Sans, body.TargetIds, commonNameRequired: true);
        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        var id = string.IsNullOrWhiteSpace(body.Id) ? Ids.NewId(IdPrefix.ManagedCertificate) : body.Id;
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var insert = new NpgsqlCommand(
            """
            INSERT INTO managed_certificates
                (id, name, common_name, sans, environment, owner_id, team_id, issuer_id, renewal_policy_id, certificate_profile_id, keygen_mode, tags, source, status)
            VALUES (@id, @name, @common_name, @sans, @environment, @owner_id, @team_id, @issuer_id, @renewal_policy_id, @profile_id, @keygen_mode, @tags, 'API', 'Pending')
            """, connection, transaction))
        {
            insert.Parameters.AddRange(new NpgsqlParameter[]
            {
                CertificateRows.Text("id", id),
                CertificateRows.Text("name", body.Name),
                CertificateRows.Text("common_name", body.CommonName),
                CertificateRows.TextArray("sans", body.Sans ?? []),
                CertificateRows.Text("environment", body.Environment ?? string.Empty),
                CertificateRows.Text("owner_id", body.OwnerId),
                CertificateRows.Text("team_id", body.TeamId),
                CertificateRows.Text("issuer_id", body.IssuerId),
                CertificateRows.Text("renewal_policy_id", body.RenewalPolicyId),
                CertificateRows.Text("profile_id", string.IsNullOrEmpty(body.CertificateProfileId) ? null : body.CertificateProfileId),
                CertificateRows.Text("keygen_mode", body.KeygenMode ?? KeygenMode.Agent.ToWire()),
                CertificateRows.Json("tags", body.Tags ?? []),
            });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        if (body.TargetIds is { Length: > 0 } targets)
        {
            await CertificateRows.ReplaceTargetsAsync(connection, transaction, id, targets, cancellationToken);
        }

        var created = await CertificateRows.FindAsync(connection, transaction, id, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Created($"/api/v1/certificates/{Uri.EscapeDataString(id)}", created);
    }

    /// <summary>PUT /certificates/{id}: fields sent replace stored ones; <c>target_ids</c> replaces the mappings in the same transaction.</summary>
    public static async Task<Results<Ok<CertificateResponse>, NotFound, ValidationProblem>> UpdateCertificate(
        string id, UpdateCertificateRequest body, NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors()
            .AddIf(body.Status is not null, "status", "cannot be changed here; use renew, revoke or DELETE (archive)")
            .AddIf(body.Name is not null && string.IsNullOrWhiteSpace(body.Name), "name", "must not be blank")
            .MaxLength("name", body.Name, 255)
            .MaxLength("owner_id", body.OwnerId, 255)
            .MaxLength("team_id", body.TeamId, 255);
        CheckCommon(errors, body.CommonName, body.KeygenMode, body.Sans, body.TargetIds, commonNameRequired: false);
        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var update = new NpgsqlCommand(
            """
            UPDATE managed_certificates SET
                name = COALESCE(@name, name),
                common_name = COALESCE(@common_name, common_name),
                sans = COALESCE(@sans, sans),
                environment = COALESCE(@environment, environment),
                owner_id = COALESCE(@owner_id, owner_id),
                team_id = COALESCE(@team_id, team_id),
                issuer_id = COALESCE(@issuer_id, issuer_id),
                renewal_policy_id = COALESCE(@renewal_policy_id, renewal_policy_id),
                certificate_profile_id = COALESCE(@profile_id, certificate_profile_id),
                keygen_mode = COALESCE(@keygen_mode, keygen_mode),
                tags = COALESCE(@tags, tags),
                updated_at = now()
            WHERE id = @id
            """, connection, transaction))
        {
            update.Parameters.AddRange(new NpgsqlParameter[]
            {
                CertificateRows.Text("id", id),
                CertificateRows.Text("name", body.Name),
                CertificateRows.Text("common_name", body.CommonName),
                CertificateRows.TextArray("sans", body.Sans),
                CertificateRows.Text("environment", body.Environment),
                CertificateRows.Text("owner_id", body.OwnerId),
                CertificateRows.Text("team_id", body.TeamId),
                CertificateRows.Text("issuer_id", body.IssuerId),
                CertificateRows.Text("renewal_policy_id", body.RenewalPolicyId),
                CertificateRows.Text("profile_id", body.CertificateProfileId),
                CertificateRows.Text("keygen_mode", body.KeygenMode),
                CertificateRows.Json("tags", body.Tags),
            });
            if (await update.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return TypedResults.NotFound();
            }
        }

        if (body.TargetIds is { } targets)
        {
            await CertificateRows.ReplaceTargetsAsync(connection, transaction, id, targets, cancellationToken);
        }

        var updated = await CertificateRows.FindAsync(connection, transaction, id, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(updated!);
    }

    /// <summary>DELETE /certificates/{id}: archives (soft delete) through the certificate state machine; archiving twice is a 409.</summary>
    public static async Task<Results<NoContent, NotFound>> ArchiveCertificate(string id, NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await LockStatusAsync(connection, transaction, id, cancellationToken) is not { } current)
        {
            return TypedResults.NotFound();
        }

        EnsureTransition(id, current, CertificateStatus.Archived);
        await using (var update = new NpgsqlCommand("UPDATE managed_certificates SET status = 'Archived', updated_at = now() WHERE id = @id", connection, transaction))
        {
            update.Parameters.Add(CertificateRows.Text("id", id));
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>GET /certificates/{id}/versions: keyset pages, newest first; an unknown certificate is a 404, not an empty list.</summary>
    public static async Task<Results<Ok<Page<CertificateVersionResponse>>, NotFound>> ListVersions(
        string id, [AsParameters] PageRequest page, CursorCodec cursors, NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        var query = new KeysetQuery(page, NewestVersionFirst, cursors);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using (var exists = new NpgsqlCommand("SELECT 1 FROM managed_certificates WHERE id = @id", connection))
        {
            exists.Parameters.Add(CertificateRows.Text("id", id));
            if (await exists.ExecuteScalarAsync(cancellationToken) is null)
            {
                return TypedResults.NotFound();
            }
        }

        await using var command = new NpgsqlCommand(
            $"""
            SELECT v.id, v.certificate_id, v.issuer_id, v.serial_number, v.not_before, v.not_after, v.fingerprint_sha256, v.pem_chain,
                   v.csr_pem, v.key_algorithm, v.key_size, v.job_id, v.created_at
            FROM certificate_versions v
            WHERE v.certificate_id = @id AND {query.Where}
            ORDER BY {query.OrderBy} LIMIT {KeysetQuery.LimitPlaceholder}
            """, connection);
        command.Parameters.Add(CertificateRows.Text("id", id));
        var result = await query.ReadAsync(command, reader => new CertificateVersionResponse(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetFieldValue<DateTimeOffset>(4), reader.GetFieldValue<DateTimeOffset>(5), reader.GetString(6), reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetString(8), reader.GetString(9), reader.GetInt32(10),
                reader.IsDBNull(11) ? null : reader.GetString(11), reader.GetFieldValue<DateTimeOffset>(12)),
            version => new KeysetPosition(version.CreatedAt, version.Id), cancellationToken);
        return TypedResults.Ok(result);
    }

    /// <summary>PUT /certificates/{id}/targets: the mappings become exactly the given set (empty clears them).</summary>
    public static async Task<Results<Ok<CertificateResponse>, NotFound, ValidationProblem>> ReplaceTargets(
        string id, ReplaceTargetsRequest body, NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors().AddIf(body.TargetIds is null, "target_ids", "is required (an empty array clears the mappings)");
        CheckTargets(errors, body.TargetIds);
        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await LockStatusAsync(connection, transaction, id, cancellationToken) is null)
        {
            return TypedResults.NotFound();
        }

        await CertificateRows.ReplaceTargetsAsync(connection, transaction, id, body.TargetIds!, cancellationToken);
        var updated = await CertificateRows.FindAsync(connection, transaction, id, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(updated!);
    }

    private static readonly TimestampIdKeyset NewestVersionFirst = new("v.created_at", "v.id", SortDirection.Descending);

    /// <summary>Locks the certificate row for the rest of the transaction and returns its status, or null when there is none.</summary>
    internal static async Task<CertificateStatus?> LockStatusAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string id, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT status FROM managed_certificates WHERE id = @id FOR UPDATE", connection, transaction);
        command.Parameters.Add(CertificateRows.Text("id", id));
        return await command.ExecuteScalarAsync(cancellationToken) is string status ? WireNames<CertificateStatus>.Parse(status) : null;
    }

    /// <summary>A 409 problem when the state machine forbids the move.</summary>
    internal static void EnsureTransition(string id, CertificateStatus from, CertificateStatus to)
    {
        if (!CertificateTransitions.CanTransition(from, to))
        {
            throw new DomainProblemException(StatusCodes.Status409Conflict, "Illegal status change",
                $"Certificate {id} is {from.ToWire()} and cannot become {to.ToWire()}.");
        }
    }

    private static void CheckCommon(FieldErrors errors, string? commonName, string? keygenMode, string[]? sans, string[]? targetIds, bool commonNameRequired)
    {
        if (commonNameRequired || commonName is not null)
        {
            errors.AddIf(CommonNameRule.Check(commonName) is not null, "common_name", CommonNameRule.Check(commonName) ?? string.Empty);
        }

        errors.AddIf(keygenMode is not null && (!WireNames<KeygenMode>.TryParse(keygenMode, out var mode) || mode.ToWire() != keygenMode),
            "keygen_mode", "must be agent or server");
        errors.AddIf(sans is not null && sans.Any(string.IsNullOrWhiteSpace), "sans", "must not contain blank entries");
        CheckTargets(errors, targetIds);
    }

    private static void CheckTargets(FieldErrors errors, string[]? targetIds) =>
        errors.AddIf(targetIds is not null && targetIds.Any(string.IsNullOrWhiteSpace), "target_ids", "must not contain blank entries");
}
