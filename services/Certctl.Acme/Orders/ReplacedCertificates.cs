using System.Buffers.Text;
using Certctl.Acme.Problems;
using Certctl.Issuance;
using Npgsql;

namespace Certctl.Acme.Orders;

/// <summary>
/// RFC 9773 §5 <c>replaces</c>: the ARI id (<c>base64url(AKI).base64url(serial)</c>) must name a certificate an order of the same account
/// produced, and no other live order may already replace it (<c>alreadyReplaced</c>).
/// </summary>
public sealed class ReplacedCertificates(NpgsqlDataSource db)
{
    /// <summary>Null when the order may replace the certificate, else the problem.</summary>
    public async Task<AcmeProblem?> CheckAsync(string replaces, string accountId, CancellationToken cancellationToken)
    {
        if (Parse(replaces) is not var (akiHex, serialHex))
        {
            return new AcmeProblem(AcmeProblemTypes.Malformed, "replaces is not an ARI certificate id (base64url AKI, '.', base64url serial).",
                StatusCodes.Status400BadRequest);
        }

        await using var command = db.CreateCommand("""
            SELECT o.account_id,
                   EXISTS (SELECT 1 FROM acme_orders r WHERE r.replaces = @replaces AND r.status <> 'invalid')
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

        return reader.GetBoolean(1)
            ? new AcmeProblem(AcmeProblemTypes.AlreadyReplaced, "Another order already replaces this certificate.", StatusCodes.Status409Conflict)
            : null;
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
