using Certctl.Acme.Problems;
using Npgsql;

namespace Certctl.Acme.Certificates;

/// <summary>
/// Certificate download (RFC 8555 §7.4.2): the PEM chain (leaf first, then the issuer's chain) of the version a valid order produced,
/// only for the account that owns the order (403 for another) (the original let any account read any certificate, its GAP-9).
/// </summary>
public sealed class CertificateChainStore(NpgsqlDataSource db)
{
    /// <summary>The PEM chain; or the problem: 404 for a certificate no ACME order produced, 403 for another account's.</summary>
    public async Task<(string? PemChain, AcmeProblem? Problem)> FindAsync(string certificateId, string accountId, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            SELECT o.account_id, v.pem_chain
            FROM acme_orders o
            JOIN certificate_versions v ON v.id = o.certificate_version_id
            WHERE o.certificate_id = @certificate_id AND o.status = 'valid'
            """);
        command.Parameters.Add(new NpgsqlParameter<string>("certificate_id", certificateId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return (null, new AcmeProblem(AcmeProblemTypes.Malformed, "No certificate issued by ACME has this id.", StatusCodes.Status404NotFound));
        }

        return reader.GetString(0) == accountId
            ? (reader.GetString(1), null)
            : (null, new AcmeProblem(AcmeProblemTypes.Unauthorized, "The certificate belongs to another account.", StatusCodes.Status403Forbidden));
    }
}
