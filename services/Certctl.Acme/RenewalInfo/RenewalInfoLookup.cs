using Npgsql;

namespace Certctl.Acme.RenewalInfo;

/// <summary>
/// Finds a certificate version by the serial and AKI of an ARI cert id, across the whole inventory, in one statement on the serial
/// index.
/// </summary>
public sealed class RenewalInfoLookup(NpgsqlDataSource dataSource)
{
    // A version stored without its AKI (imported, or from an issuer that sets none) still matches by serial, after any version whose
    // AKI matches. The revocation is the certificate's, and only counts for its current (latest) version.
    private const string Sql = """
        SELECT v.not_before, v.not_after, rp.renewal_window_days, rp.renewal_window_fraction::float8,
               CASE WHEN c.status = 'Revoked' AND NOT EXISTS (
                        SELECT 1 FROM certificate_versions newer WHERE newer.certificate_id = v.certificate_id AND newer.created_at > v.created_at)
                    THEN COALESCE(c.revoked_at, @now) END
        FROM certificate_versions v
        JOIN managed_certificates c ON c.id = v.certificate_id
        LEFT JOIN renewal_policies rp ON rp.id = c.renewal_policy_id
        WHERE v.serial_number = @serial AND (v.authority_key_identifier = @aki OR v.authority_key_identifier IS NULL)
        ORDER BY v.authority_key_identifier IS NULL, v.created_at DESC
        LIMIT 1
        """;

    /// <summary>The version with that serial and AKI, or null.</summary>
    public async Task<RenewalInfoCertificate?> FindAsync(
        string authorityKeyIdentifierHex, string serialNumberHex, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<string>("serial", serialNumberHex));
        command.Parameters.Add(new NpgsqlParameter<string>("aki", authorityKeyIdentifierHex));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new RenewalInfoCertificate(
            reader.GetFieldValue<DateTimeOffset>(0),
            reader.GetFieldValue<DateTimeOffset>(1),
            reader.IsDBNull(2) ? null : reader.GetInt32(2),
            reader.IsDBNull(3) ? null : reader.GetDouble(3),
            reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4));
    }
}
