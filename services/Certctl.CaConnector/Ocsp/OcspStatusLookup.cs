using Certctl.Domain;
using Certctl.Issuance;
using Npgsql;

namespace Certctl.CaConnector.Ocsp;

/// <summary>
/// What the records say about serials of one issuer, in one statement: revoked (with time and reason) when a revocation is recorded,
/// good when the issuer issued a version with that serial, unknown otherwise.
/// </summary>
public sealed class OcspStatusLookup(NpgsqlDataSource db)
{
    private const string Sql = """
        SELECT s.serial, r.revoked_at, r.reason,
               EXISTS (SELECT 1 FROM certificate_versions v WHERE v.serial_number = s.serial AND v.issuer_id = @issuer_id)
        FROM unnest(@serials) AS s (serial)
        LEFT JOIN certificate_revocations r ON r.issuer_id = @issuer_id AND r.serial_number = s.serial
        """;

    public async Task<IReadOnlyDictionary<string, (OcspCertStatus Status, DateTimeOffset? RevokedAt, RevocationReason? Reason)>> LookUpAsync(
        string issuerId, IReadOnlyCollection<string> serials, CancellationToken cancellationToken)
    {
        var statuses = new Dictionary<string, (OcspCertStatus, DateTimeOffset?, RevocationReason?)>(StringComparer.Ordinal);
        if (serials.Count == 0)
        {
            return statuses;
        }

        await using var command = db.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<string>("issuer_id", issuerId));
        command.Parameters.Add(new NpgsqlParameter<string[]>("serials", [.. serials.Distinct(StringComparer.Ordinal)]));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            statuses[reader.GetString(0)] = reader.IsDBNull(1)
                ? (reader.GetBoolean(3) ? OcspCertStatus.Good : OcspCertStatus.Unknown, null, null)
                : (OcspCertStatus.Revoked, reader.GetFieldValue<DateTimeOffset>(1), WireNames<RevocationReason>.Parse(reader.GetString(2)));
        }

        return statuses;
    }
}
