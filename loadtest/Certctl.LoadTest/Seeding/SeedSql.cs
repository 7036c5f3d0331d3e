using System.Globalization;
using System.Text;

namespace Certctl.LoadTest.Seeding;

/// <summary>
/// The statements of the seed fixtures. The insert is one set-based statement over <c>generate_series</c>, whatever the
/// count, and <c>ON CONFLICT DO NOTHING</c> on the deterministic ids and names makes a rerun insert nothing.
/// </summary>
public static class SeedSql
{
    /// <summary>The job statuses that hold the partial unique index: a certificate with such a job gets no new one.</summary>
    public const string ActiveJobStatuses = "'Pending', 'AwaitingCSR', 'AwaitingApproval', 'AwaitingIssuer', 'Running'";

    /// <summary>Inserts certificates 1 … <paramref name="count"/> of <paramref name="fixture"/> that are not there yet; its row count is the number inserted.</summary>
    public static SeedStatement Insert(SeedFixture fixture, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, fixture.MaxCount);
        var sql = $"""
            INSERT INTO managed_certificates
                (id, name, common_name, sans, environment, owner_id, team_id, issuer_id, renewal_policy_id, certificate_profile_id,
                 keygen_mode, status, expires_at, tags, revoked_at, revocation_reason, source)
            SELECT @id_prefix || s.number, @name_prefix || s.number, s.common_name, ARRAY[s.common_name], 'production',
                   @owner_id, @team_id, @issuer_id, @renewal_policy_id, @profile_id,
                   @keygen_mode, s.status, {ExpiryCase(fixture, "s.status", "s.expiry_offset")},
                   jsonb_build_object('loadtest', @fixture),
                   CASE WHEN s.status = 'Revoked' THEN now() END,
                   CASE WHEN s.status = 'Revoked' THEN 'superseded' END,
                   'API'
            FROM (
                SELECT lpad(g.n::text, @digits, '0') AS number,
                       @name_prefix || lpad(g.n::text, @digits, '0') || '{SeedFixture.DnsSuffix}' AS common_name,
                       {StatusCase(fixture, "g.n")} AS status,
                       make_interval(secs => g.n * @spread_seconds / @count) AS expiry_offset
                FROM generate_series(1, @count) AS g (n)
            ) AS s
            ON CONFLICT DO NOTHING
            """;
        return new SeedStatement(sql, new Dictionary<string, object>
        {
            ["id_prefix"] = fixture.IdPrefix,
            ["name_prefix"] = fixture.NamePrefix,
            ["fixture"] = fixture.Name,
            ["keygen_mode"] = fixture.KeygenMode,
            ["digits"] = fixture.Digits,
            ["count"] = count,
            ["spread_seconds"] = fixture.ExpirySpread.TotalSeconds,
            ["owner_id"] = SeedFixture.OwnerId,
            ["team_id"] = SeedFixture.TeamId,
            ["issuer_id"] = SeedFixture.IssuerId,
            ["renewal_policy_id"] = SeedFixture.RenewalPolicyId,
            ["profile_id"] = SeedFixture.ProfileId,
        });
    }

    /// <summary>One row: the demo-seed references the fixture needs that are missing, as a text array (empty when all are there).</summary>
    public static SeedStatement MissingReferences() => new(
        """
        SELECT array_remove(ARRAY[
            CASE WHEN NOT EXISTS (SELECT 1 FROM issuers WHERE id = @issuer_id) THEN 'issuer ' || @issuer_id END,
            CASE WHEN NOT EXISTS (SELECT 1 FROM owners WHERE id = @owner_id) THEN 'owner ' || @owner_id END,
            CASE WHEN NOT EXISTS (SELECT 1 FROM teams WHERE id = @team_id) THEN 'team ' || @team_id END,
            CASE WHEN NOT EXISTS (SELECT 1 FROM renewal_policies WHERE id = @renewal_policy_id) THEN 'renewal policy ' || @renewal_policy_id END,
            CASE WHEN NOT EXISTS (SELECT 1 FROM certificate_profiles WHERE id = @profile_id) THEN 'certificate profile ' || @profile_id END
        ], NULL)
        """,
        new Dictionary<string, object>
        {
            ["issuer_id"] = SeedFixture.IssuerId,
            ["owner_id"] = SeedFixture.OwnerId,
            ["team_id"] = SeedFixture.TeamId,
            ["renewal_policy_id"] = SeedFixture.RenewalPolicyId,
            ["profile_id"] = SeedFixture.ProfileId,
        });

    /// <summary>One row: how many of the fixture's certificates exist, and how many of them have an active issuance or renewal job.</summary>
    public static SeedStatement State(SeedFixture fixture) => new(
        $"""
        SELECT count(*),
               count(*) FILTER (WHERE EXISTS (
                   SELECT 1 FROM jobs j
                   WHERE j.certificate_id = c.id AND j.type IN ('Issuance', 'Renewal') AND j.status IN ({ActiveJobStatuses})))
        FROM managed_certificates c
        WHERE starts_with(c.id, @id_prefix)
        """,
        Prefixes(fixture));

    /// <summary>
    /// Undoes what a renewal run did to the fixture (of <paramref name="count"/> certificates), so the next one starts clean,
    /// in four statements to run in one transaction, each row count being what it changed:
    /// <list type="number">
    /// <item>certificates a run issued a version for (the fixtures seed none) get their seeded status back, an expiry placed
    /// as the seed places it (from now), and no last renewal or error;</item>
    /// <item>those versions are deleted (their jobs would only set <c>job_id</c> to null);</item>
    /// <item>the fixture's jobs are deleted (their approval requests go with them);</item>
    /// <item>certificates a renewal left RenewalInProgress, or Failed when its attempts ran out, get their seeded status back.</item>
    /// </list>
    /// </summary>
    public static IReadOnlyList<SeedStatement> ResetJobs(SeedFixture fixture, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var number = "substr(c.id, length(@id_prefix) + 1)::int";
        var seeded = StatusCase(fixture, number);
        var expiry = ExpiryCase(fixture, seeded, $"make_interval(secs => {number} * @spread_seconds / @count)");
        var spread = new Dictionary<string, object>(Prefixes(fixture))
        {
            ["spread_seconds"] = fixture.ExpirySpread.TotalSeconds,
            ["count"] = count,
        };
        return
        [
            new SeedStatement(
                $"""
                UPDATE managed_certificates AS c
                SET status = {seeded}, expires_at = {expiry}, last_renewal_at = NULL, last_error = NULL, updated_at = now()
                WHERE starts_with(c.id, @id_prefix) AND EXISTS (SELECT 1 FROM certificate_versions AS v WHERE v.certificate_id = c.id)
                """,
                spread),
            new SeedStatement("DELETE FROM certificate_versions WHERE starts_with(certificate_id, @id_prefix)", Prefixes(fixture)),
            new SeedStatement("DELETE FROM jobs WHERE starts_with(certificate_id, @id_prefix)", Prefixes(fixture)),
            new SeedStatement(
                $"""
                UPDATE managed_certificates AS c SET status = {seeded}, last_error = NULL, updated_at = now()
                WHERE starts_with(c.id, @id_prefix) AND c.status IN ('RenewalInProgress', 'Failed') AND {seeded} <> c.status
                """,
                Prefixes(fixture)),
        ];
    }

    /// <summary>Deletes the fixture's certificates; their jobs, versions and mappings go with them. Its row count is the number removed.</summary>
    public static SeedStatement Remove(SeedFixture fixture) =>
        new("DELETE FROM managed_certificates WHERE starts_with(id, @id_prefix)", Prefixes(fixture));

    /// <summary>
    /// The SQL twin of <see cref="SeedFixture.ShareOf"/>: the status of certificate number <paramref name="number"/> (an
    /// integer expression), a constant when the mix has a single status.
    /// </summary>
    public static string StatusCase(SeedFixture fixture, string number)
    {
        if (fixture.StatusMix.Count == 1)
        {
            return Literal(fixture.StatusMix[0].Status);
        }

        var sql = new StringBuilder("CASE");
        var upTo = 0;
        foreach (var share in fixture.StatusMix.Take(fixture.StatusMix.Count - 1))
        {
            upTo += share.Percent;
            sql.Append(CultureInfo.InvariantCulture, $" WHEN ({number}) * {SeedFixture.StatusStride} % 100 < {upTo} THEN {Literal(share.Status)}");
        }

        return sql.Append(CultureInfo.InvariantCulture, $" ELSE {Literal(fixture.StatusMix[^1].Status)} END").ToString();
    }

    /// <summary>The SQL twin of <see cref="SeedFixture.ExpiryOffsetOf"/>: the expiry for a status and an offset (an interval expression).</summary>
    public static string ExpiryCase(SeedFixture fixture, string status, string offset)
    {
        var rules = fixture.StatusMix.GroupBy(share => share.Expiry).ToList();
        if (rules.Count == 1)
        {
            return Expiry(rules[0].Key, offset);
        }

        var sql = new StringBuilder("CASE");
        foreach (var rule in rules.Where(rule => rule.Key != ExpiryRule.Spread))
        {
            sql.Append(CultureInfo.InvariantCulture, $" WHEN {status} IN ({string.Join(", ", rule.Select(share => Literal(share.Status)))}) THEN {Expiry(rule.Key, offset)}");
        }

        return sql.Append(CultureInfo.InvariantCulture, $" ELSE {Expiry(ExpiryRule.Spread, offset)} END").ToString();
    }

    private static string Expiry(ExpiryRule rule, string offset) => rule switch
    {
        ExpiryRule.None => "NULL::timestamptz",
        ExpiryRule.Past => $"now() - {offset}",
        ExpiryRule.Soon => $"now() + {offset} / 3",
        _ => $"now() + {offset}",
    };

    private static Dictionary<string, object> Prefixes(SeedFixture fixture) => new() { ["id_prefix"] = fixture.IdPrefix };

    // Statuses come from the fixture definitions in code, never from the command line; quoting keeps that safe anyway.
    private static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";
}
