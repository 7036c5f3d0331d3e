using System.Buffers.Text;
using System.Security.Cryptography;
using Certctl.Domain;
using Certctl.Gateway.Auth;
using Certctl.Gateway.Paging;
using Certctl.Gateway.Problems;
using Certctl.Secrets;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using NpgsqlTypes;
using static Certctl.Gateway.Inventory.InventorySql;

namespace Certctl.Gateway.Inventory;

/// <summary>An ACME external account binding key as listed: never its MAC key, which is shown once, at creation.</summary>
public sealed record AcmeExternalAccountKey(string Id, string? ProfileId, string? AccountId, DateTimeOffset? BoundAt, DateTimeOffset CreatedAt);

/// <summary>A key just created: <see cref="HmacKey"/> (base64url) is what the ACME client needs with the id, and is never shown again.</summary>
public sealed record CreatedAcmeExternalAccountKey(string Id, string? ProfileId, string HmacKey, DateTimeOffset CreatedAt);

/// <summary>Body of a key create: both optional (a generated id; no profile means every profile).</summary>
public sealed record AcmeExternalAccountKeyRequest(string? Id, string? ProfileId);

/// <summary>
/// <c>/api/v1/acme/external-account-keys</c> (admin): the keys the ACME server demands with
/// <c>CERTCTL_ACME_SERVER_EAB_REQUIRED</c>. The 256-bit HMAC key is generated here, encrypted at rest like issuer secrets, and
/// returned once; each key creates one ACME account.
/// </summary>
public static class AcmeExternalAccountKeyEndpoints
{
    private const string Columns = "id, profile_id, account_id, bound_at, created_at";
    private const int HmacKeyBytes = 32;

    public static RouteGroupBuilder MapAcmeExternalAccountKeyEndpoints(this RouteGroupBuilder api)
    {
        var keys = api.MapGroup("/acme/external-account-keys").WithTags("ACME").RequireAdmin();
        keys.MapGet("", ListAcmeExternalAccountKeys).WithName(nameof(ListAcmeExternalAccountKeys))
            .WithSummary("Lists ACME external account binding keys (without their MAC keys), oldest first.");
        keys.MapPost("", CreateAcmeExternalAccountKey).WithName(nameof(CreateAcmeExternalAccountKey))
            .WithSummary("Creates an ACME external account binding key; the MAC key is in this answer only.");
        keys.MapDelete("/{id}", DeleteAcmeExternalAccountKey).WithName(nameof(DeleteAcmeExternalAccountKey))
            .WithSummary("Deletes an external account binding key; an account it created stays.");
        return api;
    }

    public static async Task<Ok<Page<AcmeExternalAccountKey>>> ListAcmeExternalAccountKeys(
        [AsParameters] PageRequest page, CursorCodec cursors, NpgsqlDataSource db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await ListAsync(db, "acme_external_account_keys", Columns, page, cursors, Read,
            key => new KeysetPosition(key.CreatedAt, key.Id), cancellationToken));

    public static async Task<Results<Created<CreatedAcmeExternalAccountKey>, ValidationProblem>> CreateAcmeExternalAccountKey(
        AcmeExternalAccountKeyRequest body, IdGenerator ids, ConfigurationCipher cipher, NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors()
            .AddIf(body.Id is not null && string.IsNullOrWhiteSpace(body.Id), "id", "must not be blank when present")
            .MaxLength("id", body.Id, MaxTextLength)
            .AddIf(body.ProfileId is not null && string.IsNullOrWhiteSpace(body.ProfileId), "profile_id", "must not be blank when present");
        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        var id = IdFor(body.Id, ids, IdPrefix.AcmeExternalAccountKey);
        var hmacKey = RandomNumberGenerator.GetBytes(HmacKeyBytes);
        await using var command = db.CreateCommand(
            $"INSERT INTO acme_external_account_keys (id, profile_id, hmac_key) VALUES (@id, @profile_id, @hmac_key) RETURNING {Columns}");
        command.Parameters.Add(Param("id", id));
        command.Parameters.Add(Param("profile_id", NpgsqlDbType.Text, body.ProfileId));
        command.Parameters.Add(Param("hmac_key", NpgsqlDbType.Bytea, cipher.Encrypt(hmacKey, id)));
        var key = (await SingleOrDefaultAsync(command, Read, cancellationToken))!;
        var created = new CreatedAcmeExternalAccountKey(key.Id, key.ProfileId, Base64Url.EncodeToString(hmacKey), key.CreatedAt);
        CryptographicOperations.ZeroMemory(hmacKey);
        return TypedResults.Created($"/api/v1/acme/external-account-keys/{Uri.EscapeDataString(key.Id)}", created);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAcmeExternalAccountKey(
        string id, NpgsqlDataSource db, CancellationToken cancellationToken) =>
        await DeleteAsync(db, "acme_external_account_keys", id, cancellationToken)
            ? TypedResults.NoContent()
            : NotFound("ACME external account key", id);

    private static AcmeExternalAccountKey Read(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.IsDBNull(1) ? null : reader.GetString(1),
        reader.IsDBNull(2) ? null : reader.GetString(2),
        reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3),
        reader.GetFieldValue<DateTimeOffset>(4));
}
