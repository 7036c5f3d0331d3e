using System.Buffers.Text;
using System.Text.Json;
using Certctl.Acme.Http;
using Certctl.Acme.Problems;
using Certctl.Acme.Protocol;
using Certctl.Issuance;
using Npgsql;

namespace Certctl.Acme.Orders;

/// <summary>
/// RFC 9773 §5 <c>replaces</c>: the ARI id (<c>base64url(AKI).base64url(serial)</c>) must name a certificate an order of the same account
/// produced, the new order must share at least one identifier with it, and no other live order may already replace it
/// (<c>alreadyReplaced</c>, 409). This check answers the common case; the unique index <see cref="OneLiveReplacementIndex"/> decides
/// between concurrent orders.
/// </summary>
public sealed class ReplacedCertificates(NpgsqlDataSource db)
{
    /// <summary>The partial unique index that allows one order that is not <c>invalid</c> per replaced certificate.</summary>
    public const string OneLiveReplacementIndex = "acme_orders_one_live_replacement_idx";

    /// <summary>The 409 RFC 9773 §5 requires when another order already replaces the certificate.</summary>
    public static AcmeProblem AlreadyReplaced() =>
        new(AcmeProblemTypes.AlreadyReplaced, "Another order already replaces this certificate.", StatusCodes.Status409Conflict);

    /// <summary>Null when the order for <paramref name="identifiers"/> may replace the certificate, else the problem.</summary>
    public async Task<AcmeProblem?> CheckAsync(
        string replaces, string accountId, IReadOnlyList<AcmeIdentifier> identifiers, CancellationToken cancellationToken)
    {
        if (Parse(replaces) is not var (akiHex, serialHex))
        {
            return new AcmeProblem(AcmeProblemTypes.Malformed, "replaces is not an ARI certificate id (base64url AKI, '.', base64url serial).",
                StatusCodes.Status400BadRequest);
        }

        await using var command = db.CreateCommand("""
            SELECT o.account_id,
                   EXISTS (SELECT 1 FROM acme_orders r WHERE r.replaces = @replaces AND r.status <> 'invalid'),
                   o.identifiers::text
            FROM certificate_versions v
            JOIN acme_orders o ON o.certificate_version_id = v.id
            WHERE v.serial_number = @serial AND v.authority_key_identifier = @aki
            """);
        command.Parameters.Add(new NpgsqlParameter<string>("replaces", replaces));
        command.Parameters.Add(new NpgsqlParameter<string>("serial", serialHex));
        command.Parameters.Add(new NpgsqlParameter<string>("aki", akiHex));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return new AcmeProblem(AcmeProblemTypes.Malformed, "replaces names no certificate this server issued through ACME.", StatusCodes.Status400BadRequest);
        }

        if (reader.GetString(0) != accountId)
        {
            return new AcmeProblem(AcmeProblemTypes.Unauthorized, "replaces names a certificate of another account.", StatusCodes.Status403Forbidden);
        }

        var replacedNames = JsonSerializer.Deserialize<AcmeIdentifier[]>(reader.GetString(2), AcmeJson.Options) ?? [];
        if (!identifiers.Intersect(replacedNames).Any())
        {
            return new AcmeProblem(AcmeProblemTypes.Malformed, "The order shares no identifier with the certificate it replaces.",
                StatusCodes.Status400BadRequest);
        }

        return reader.GetBoolean(1) ? AlreadyReplaced() : null;
    }

    private static (string AkiHex, string SerialHex)? Parse(string id)
    {
        var parts = id.Split('.');
        if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0 || id.Contains('='))
        {
            return null;
        }

        try
        {
            var aki = Base64Url.DecodeFromChars(parts[0]);
            var serial = Base64Url.DecodeFromChars(parts[1]);
            return aki.Length == 0 || serial.Length == 0 ? null : (Convert.ToHexStringLower(aki), CertificateSerialNumber.ToHex(serial));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
