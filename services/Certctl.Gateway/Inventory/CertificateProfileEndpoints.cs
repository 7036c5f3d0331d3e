using System.Text.Json;
using System.Text.RegularExpressions;
using Certctl.Domain;
using Certctl.Gateway.Paging;
using Certctl.Gateway.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using NpgsqlTypes;
using static Certctl.Gateway.Inventory.InventorySql;

namespace Certctl.Gateway.Inventory;

/// <summary>A key algorithm a profile allows and its smallest size in bits (0 for Ed25519).</summary>
public sealed record KeyAlgorithmRule(string Algorithm, int MinSize);

/// <summary>What certificates issued under the profile may look like, and whether their issuance needs approval.</summary>
public sealed record CertificateProfile(
    string Id,
    string Name,
    string Description,
    KeyAlgorithmRule[] AllowedKeyAlgorithms,
    int MaxTtlSeconds,
    string[] AllowedEkus,
    string[] RequiredSanPatterns,
    string SpiffeUriPattern,
    bool AllowShortLived,
    bool MustStaple,
    string[] RequiredCsrAttributes,
    string AcmeAuthMode,
    bool AcmeAllowPrivateAddresses,
    bool RequiresApproval,
    bool Enabled,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>Body of a profile create (id optional) or full replace; absent fields take the defaults.</summary>
public sealed record CertificateProfileRequest(
    string? Id,
    string? Name,
    string? Description,
    KeyAlgorithmRule[]? AllowedKeyAlgorithms,
    int? MaxTtlSeconds,
    string[]? AllowedEkus,
    string[]? RequiredSanPatterns,
    string? SpiffeUriPattern,
    bool? AllowShortLived,
    bool? MustStaple,
    string[]? RequiredCsrAttributes,
    string? AcmeAuthMode,
    bool? AcmeAllowPrivateAddresses,
    bool? RequiresApproval,
    bool? Enabled);

/// <summary><c>/api/v1/profiles</c>: list, get, create, replace, delete certificate profiles.</summary>
public static class CertificateProfileEndpoints
{
    private const string Columns = """
        id, name, description, allowed_key_algorithms::text, max_ttl_seconds, allowed_ekus, required_san_patterns, spiffe_uri_pattern,
        allow_short_lived, must_staple, required_csr_attributes, acme_auth_mode, acme_allow_private_addresses, requires_approval, enabled,
        created_at, updated_at
        """;

    private static readonly KeyAlgorithmRule[] DefaultKeyAlgorithms = [new("ECDSA", 256), new("RSA", 2048)];
    private static readonly string[] Ekus = ["serverAuth", "clientAuth", "codeSigning", "emailProtection", "timeStamping"];
    private static readonly string[] AcmeAuthModes = ["trust_authenticated", "challenge"];
    private static readonly JsonSerializerOptions SnakeCase = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static RouteGroupBuilder MapCertificateProfileEndpoints(this RouteGroupBuilder api)
    {
        var profiles = api.MapGroup("/profiles").WithTags("Certificate profiles");
        profiles.MapGet("", ListProfiles).WithName(nameof(ListProfiles)).WithSummary("Lists certificate profiles, oldest first, a cursor page at a time.");
        profiles.MapGet("/{id}", GetProfile).WithName(nameof(GetProfile)).WithSummary("Gets a certificate profile.");
        profiles.MapPost("", CreateProfile).WithName(nameof(CreateProfile)).WithSummary("Creates a certificate profile; absent fields take the defaults.");
        profiles.MapPut("/{id}", UpdateProfile).WithName(nameof(UpdateProfile)).WithSummary("Replaces a certificate profile; absent fields take the defaults.");
        profiles.MapDelete("/{id}", DeleteProfile).WithName(nameof(DeleteProfile)).WithSummary("Deletes a certificate profile (certificates and policies using it lose the reference).");
        return api;
    }

    public static async Task<Ok<Page<CertificateProfile>>> ListProfiles(
        [AsParameters] PageRequest page, CursorCodec cursors, NpgsqlDataSource db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await ListAsync(db, "certificate_profiles", Columns, page, cursors, Read, profile => new KeysetPosition(profile.CreatedAt, profile.Id), cancellationToken));

    public static Task<Results<Ok<CertificateProfile>, ProblemHttpResult>> GetProfile(string id, NpgsqlDataSource db, CancellationToken cancellationToken) =>
        GetAsync(db, "certificate_profiles", Columns, "certificate profile", id, Read, cancellationToken);

    public static async Task<Results<Created<CertificateProfile>, ValidationProblem>> CreateProfile(
        CertificateProfileRequest body, IdGenerator ids, NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        var errors = Validate(IdAndName(body.Id, body.Name), body);
        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        await using var command = db.CreateCommand($"""
            INSERT INTO certificate_profiles (id, name, description, allowed_key_algorithms, max_ttl_seconds, allowed_ekus, required_san_patterns,
                spiffe_uri_pattern, allow_short_lived, must_staple, required_csr_attributes, acme_auth_mode, acme_allow_private_addresses,
                requires_approval, enabled)
            VALUES (@id, @name, @description, @key_algorithms, @max_ttl, @ekus, @san_patterns, @spiffe, @short_lived, @must_staple,
                @csr_attributes, @acme_auth_mode, @acme_private, @requires_approval, @enabled)
            RETURNING {Columns}
            """);
        AddFields(command, IdFor(body.Id, ids, IdPrefix.CertificateProfile), body);
        var profile = (await SingleOrDefaultAsync(command, Read, cancellationToken))!;
        return TypedResults.Created($"/api/v1/profiles/{Uri.EscapeDataString(profile.Id)}", profile);
    }

    public static async Task<Results<Ok<CertificateProfile>, ValidationProblem, ProblemHttpResult>> UpdateProfile(
        string id, CertificateProfileRequest body, NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        var errors = Validate(IdAndName(null, body.Name), body);
        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        await using var command = db.CreateCommand($"""
            UPDATE certificate_profiles SET name = @name, description = @description, allowed_key_algorithms = @key_algorithms,
                max_ttl_seconds = @max_ttl, allowed_ekus = @ekus, required_san_patterns = @san_patterns, spiffe_uri_pattern = @spiffe,
                allow_short_lived = @short_lived, must_staple = @must_staple, required_csr_attributes = @csr_attributes,
                acme_auth_mode = @acme_auth_mode, acme_allow_private_addresses = @acme_private, requires_approval = @requires_approval,
                enabled = @enabled, updated_at = now()
            WHERE id = @id
            RETURNING {Columns}
            """);
        AddFields(command, id, body);
        return await SingleOrDefaultAsync(command, Read, cancellationToken) is { } profile ? TypedResults.Ok(profile) : NotFound("certificate profile", id);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteProfile(string id, NpgsqlDataSource db, CancellationToken cancellationToken) =>
        await DeleteAsync(db, "certificate_profiles", id, cancellationToken) ? TypedResults.NoContent() : NotFound("certificate profile", id);

    private static FieldErrors Validate(FieldErrors errors, CertificateProfileRequest body)
    {
        var algorithms = body.AllowedKeyAlgorithms ?? DefaultKeyAlgorithms;
        errors.AddIf(algorithms.Length == 0, "allowed_key_algorithms", "must allow at least one key algorithm");
        foreach (var rule in algorithms)
        {
            var problem = rule?.Algorithm switch
            {
                "RSA" when rule.MinSize < 2048 => "RSA min_size must be at least 2048",
                "ECDSA" when rule.MinSize < 256 => "ECDSA min_size must be at least 256",
                "RSA" or "ECDSA" or "Ed25519" => null,
                var other => $"'{other}' is not a key algorithm (RSA, ECDSA, Ed25519)",
            };
            errors.AddIf(problem is not null, "allowed_key_algorithms", problem ?? string.Empty);
        }

        var maxTtl = body.MaxTtlSeconds ?? 0;
        errors.AddIf(maxTtl < 0, "max_ttl_seconds", "must be 0 (issuer default) or more");
        errors.AddIf(body.AllowShortLived == true && maxTtl >= 3600, "allow_short_lived", "requires max_ttl_seconds under 3600");
        foreach (var eku in body.AllowedEkus ?? [])
        {
            errors.AddIf(!Ekus.Contains(eku), "allowed_ekus", $"'{eku}' is not an extended key usage ({string.Join(", ", Ekus)})");
        }

        foreach (var pattern in body.RequiredSanPatterns ?? [])
        {
            errors.AddIf(!IsRegex(pattern), "required_san_patterns", $"'{pattern}' is not a regular expression");
        }

        errors.AddIf(body.AcmeAuthMode is not null && !AcmeAuthModes.Contains(body.AcmeAuthMode), "acme_auth_mode", "must be trust_authenticated or challenge");
        return errors.MaxLength("spiffe_uri_pattern", body.SpiffeUriPattern, 1024);
    }

    private static bool IsRegex(string? pattern)
    {
        try
        {
            _ = new Regex(pattern ?? string.Empty, RegexOptions.None, TimeSpan.FromMilliseconds(100));
            return pattern is not null;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void AddFields(NpgsqlCommand command, string id, CertificateProfileRequest body)
    {
        command.Parameters.Add(Param("id", id));
        command.Parameters.Add(Param("name", body.Name));
        command.Parameters.Add(Param("description", body.Description ?? string.Empty));
        command.Parameters.Add(Param("key_algorithms", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(body.AllowedKeyAlgorithms ?? DefaultKeyAlgorithms, SnakeCase)));
        command.Parameters.Add(Param("max_ttl", NpgsqlDbType.Integer, body.MaxTtlSeconds ?? 0));
        command.Parameters.Add(Param("ekus", NpgsqlDbType.Array | NpgsqlDbType.Text, body.AllowedEkus ?? ["serverAuth"]));
        command.Parameters.Add(Param("san_patterns", NpgsqlDbType.Array | NpgsqlDbType.Text, body.RequiredSanPatterns ?? []));
        command.Parameters.Add(Param("spiffe", body.SpiffeUriPattern ?? string.Empty));
        command.Parameters.Add(Param("short_lived", NpgsqlDbType.Boolean, body.AllowShortLived ?? false));
        command.Parameters.Add(Param("must_staple", NpgsqlDbType.Boolean, body.MustStaple ?? false));
        command.Parameters.Add(Param("csr_attributes", NpgsqlDbType.Array | NpgsqlDbType.Text, body.RequiredCsrAttributes ?? []));
        command.Parameters.Add(Param("acme_auth_mode", body.AcmeAuthMode ?? "trust_authenticated"));
        command.Parameters.Add(Param("acme_private", NpgsqlDbType.Boolean, body.AcmeAllowPrivateAddresses ?? false));
        command.Parameters.Add(Param("requires_approval", NpgsqlDbType.Boolean, body.RequiresApproval ?? false));
        command.Parameters.Add(Param("enabled", NpgsqlDbType.Boolean, body.Enabled ?? true));
    }

    private static CertificateProfile Read(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        JsonSerializer.Deserialize<KeyAlgorithmRule[]>(reader.GetString(3), SnakeCase) ?? [],
        reader.GetInt32(4),
        reader.GetFieldValue<string[]>(5),
        reader.GetFieldValue<string[]>(6),
        reader.GetString(7),
        reader.GetBoolean(8),
        reader.GetBoolean(9),
        reader.GetFieldValue<string[]>(10),
        reader.GetString(11),
        reader.GetBoolean(12),
        reader.GetBoolean(13),
        reader.GetBoolean(14),
        reader.GetFieldValue<DateTimeOffset>(15),
        reader.GetFieldValue<DateTimeOffset>(16));
}
