using Npgsql;

namespace Certctl.EndToEnd.Tests;

/// <summary>
/// A batch of certificates due for renewal in server key mode (issuer <c>iss-local</c>), named <c>{prefix}-00001…</c>, and
/// the questions the reliability tests ask about their jobs and versions.
/// </summary>
internal sealed class RenewalBatch(string connectionString, string prefix)
{
    public string Prefix { get; } = prefix;

    /// <summary>Inserts <paramref name="count"/> Active certificates expiring tomorrow (inside rp-standard's 30-day window).</summary>
    public async Task CreateDueAsync(int count, string issuerId = "iss-local")
    {
        await ExecuteAsync("""
            INSERT INTO managed_certificates (id, name, common_name, owner_id, team_id, issuer_id, renewal_policy_id, status, expires_at, keygen_mode)
            SELECT @prefix || '-' || lpad(g::text, 5, '0'), @prefix || '-' || lpad(g::text, 5, '0'),
                   @prefix || '-' || g || '.example.test', 'o-alice', 't-platform', @issuer, 'rp-standard', 'Active', now() + interval '1 day', 'server'
            FROM generate_series(1, @count) AS g
            """, ("prefix", Prefix), ("count", count), ("issuer", issuerId));
    }

    /// <summary>Renewal/issuance jobs of the batch: how many there are and how many completed.</summary>
    public async Task<(long Jobs, long Completed, long Failed)> JobCountsAsync()
    {
        var row = await RowAsync("""
            SELECT count(*), count(*) FILTER (WHERE status = 'Completed'), count(*) FILTER (WHERE status = 'Failed')
            FROM jobs WHERE type IN ('Renewal', 'Issuance') AND certificate_id LIKE @prefix || '-%'
            """, ("prefix", Prefix));
        return ((long)row[0], (long)row[1], (long)row[2]);
    }

    /// <summary>Versions of the batch, versions whose job made more than one, and certificates with other than exactly one version.</summary>
    public async Task<(long Versions, long JobsWithSeveralVersions, long CertificatesWithoutExactlyOne)> VersionCountsAsync()
    {
        var row = await RowAsync("""
            SELECT (SELECT count(*) FROM certificate_versions WHERE certificate_id LIKE @prefix || '-%'),
                   (SELECT count(*) FROM (SELECT job_id FROM certificate_versions WHERE certificate_id LIKE @prefix || '-%'
                                          GROUP BY job_id HAVING count(*) > 1) several),
                   (SELECT count(*) FROM managed_certificates c WHERE c.id LIKE @prefix || '-%'
                      AND (SELECT count(*) FROM certificate_versions v WHERE v.certificate_id = c.id) <> 1)
            """, ("prefix", Prefix));
        return ((long)row[0], (long)row[1], (long)row[2]);
    }

    /// <summary>Waits until the batch has <paramref name="expected"/> jobs and <paramref name="condition"/> holds for the counts.</summary>
    public async Task<(long Jobs, long Completed, long Failed)> WaitAsync(
        Func<(long Jobs, long Completed, long Failed), bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            var counts = await JobCountsAsync();
            if (condition(counts))
            {
                return counts;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, $"{Prefix}: {what} did not happen within {timeout}; jobs {counts.Jobs}, completed {counts.Completed}, failed {counts.Failed}");
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }

    public async Task<int> ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return await command.ExecuteNonQueryAsync();
    }

    public async Task<object[]> RowAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), "the query returned no row");
        var row = new object[reader.FieldCount];
        reader.GetValues(row);
        return row;
    }
}
