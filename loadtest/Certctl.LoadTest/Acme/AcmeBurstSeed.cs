using Npgsql;

namespace Certctl.LoadTest.Acme;

/// <summary>
/// The statements of <c>seed acme_burst</c>: certificates and their versions in one set-based statement over <c>generate_series</c>
/// (a rerun inserts nothing), their count, and their removal (versions go with their certificates).
/// </summary>
public sealed class AcmeBurstSeed(NpgsqlConnection connection)
{
    private const int CommandTimeoutSeconds = 600;

    /// <summary>Expiries spread over days 45 … 90 from now, each valid for 90 days: every one has a window in the future.</summary>
    public static readonly string InsertSql = $"""
        WITH numbered AS (
            SELECT g.n, @id_prefix || lpad(g.n::text, {AcmeBurstFixture.Digits}, '0') AS id,
                   now() + make_interval(days => 45) + make_interval(secs => g.n * 45 * 86400.0 / @count) AS not_after
            FROM generate_series(1, @count) AS g (n)
        ),
        certificates AS (
            INSERT INTO managed_certificates (id, name, common_name, sans, issuer_id, renewal_policy_id, status, expires_at, tags, source)
            SELECT id, substr(id, 4), substr(id, 4) || '.example.test', ARRAY[substr(id, 4) || '.example.test'], @issuer_id,
                   @renewal_policy_id, 'Active', not_after, jsonb_build_object('loadtest', @fixture), 'ACME'
            FROM numbered
            ON CONFLICT DO NOTHING
            RETURNING id
        )
        INSERT INTO certificate_versions (id, certificate_id, issuer_id, serial_number, not_before, not_after, fingerprint_sha256, pem_chain,
                                          authority_key_identifier)
        SELECT 'cv-' || substr(n.id, 4), n.id, @issuer_id, @serial_prefix || lpad(to_hex(n.n), 8, '0'), n.not_after - interval '90 days',
               n.not_after, encode(sha256(convert_to(n.id, 'UTF8')), 'hex'), '', @aki
        FROM numbered n
        JOIN certificates c ON c.id = n.id
        """;

    public const string CountSql = "SELECT count(*) FROM managed_certificates WHERE id LIKE @id_prefix || '%'";

    public const string RemoveSql = "DELETE FROM managed_certificates WHERE id LIKE @id_prefix || '%'";

    /// <summary>Inserts certificates 1 … <paramref name="count"/> that are missing; returns how many it inserted.</summary>
    public async Task<int> InsertAsync(int count, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, AcmeBurstFixture.MaxCount);
        await using var command = Command(InsertSql);
        command.Parameters.Add(new NpgsqlParameter<int>("count", count));
        command.Parameters.Add(new NpgsqlParameter<string>("issuer_id", AcmeBurstFixture.IssuerId));
        command.Parameters.Add(new NpgsqlParameter<string>("renewal_policy_id", AcmeBurstFixture.RenewalPolicyId));
        command.Parameters.Add(new NpgsqlParameter<string>("fixture", AcmeBurstFixture.Name));
        command.Parameters.Add(new NpgsqlParameter<string>("serial_prefix", AcmeBurstFixture.SerialPrefix));
        command.Parameters.Add(new NpgsqlParameter<string>("aki", AcmeBurstFixture.AuthorityKeyIdentifierHex));
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        await using var command = Command(CountSql);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<int> RemoveAsync(CancellationToken cancellationToken)
    {
        await using var command = Command(RemoveSql);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private NpgsqlCommand Command(string sql)
    {
        var command = new NpgsqlCommand(sql, connection) { CommandTimeout = CommandTimeoutSeconds };
        command.Parameters.Add(new NpgsqlParameter<string>("id_prefix", AcmeBurstFixture.IdPrefix));
        return command;
    }
}
