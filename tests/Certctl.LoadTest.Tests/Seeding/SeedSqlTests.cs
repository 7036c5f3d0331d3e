using Certctl.LoadTest.Seeding;

namespace Certctl.LoadTest.Tests.Seeding;

public class SeedSqlTests
{
    [Fact]
    public void The_insert_is_one_set_based_idempotent_statement()
    {
        var insert = SeedSql.Insert(SeedFixture.BulkRenewal, 10_000);

        Assert.DoesNotContain(';', insert.Sql);
        Assert.Single(insert.Sql.Split("INSERT INTO", StringSplitOptions.None).Skip(1));
        Assert.Contains("INSERT INTO managed_certificates", insert.Sql, StringComparison.Ordinal);
        Assert.Contains("FROM generate_series(1, @count)", insert.Sql, StringComparison.Ordinal);
        Assert.EndsWith("ON CONFLICT DO NOTHING", insert.Sql.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_insert_carries_count_prefixes_spread_and_the_demo_links_as_parameters()
    {
        var insert = SeedSql.Insert(SeedFixture.BulkRenewal, 1234);

        Assert.Equal(1234, insert.Parameters["count"]);
        Assert.Equal(5, insert.Parameters["digits"]);
        Assert.Equal("mc-loadtest-bulk-", insert.Parameters["id_prefix"]);
        Assert.Equal("loadtest-bulk-", insert.Parameters["name_prefix"]);
        Assert.Equal(30 * 86_400.0, insert.Parameters["spread_seconds"]);
        Assert.Equal("bulk_renewal", insert.Parameters["fixture"]);
        Assert.Equal("iss-local", insert.Parameters["issuer_id"]);
        Assert.Equal("o-alice", insert.Parameters["owner_id"]);
        Assert.Equal("t-platform", insert.Parameters["team_id"]);
        Assert.Equal("rp-standard", insert.Parameters["renewal_policy_id"]);
        Assert.Equal("prof-standard-tls", insert.Parameters["profile_id"]);
        Assert.Contains("make_interval(secs => g.n * @spread_seconds / @count)", insert.Sql, StringComparison.Ordinal);
        Assert.Contains("lpad(g.n::text, @digits, '0')", insert.Sql, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_parameter_the_statements_use_is_bound_and_every_bound_one_is_used()
    {
        var statements = new List<SeedStatement>
        {
            SeedSql.Insert(SeedFixture.CertificateList, 100), SeedSql.MissingReferences(), SeedSql.State(SeedFixture.BulkRenewal), SeedSql.Remove(SeedFixture.BulkRenewal),
        };
        statements.AddRange(SeedSql.ResetJobs(SeedFixture.CertificateList, 100));
        statements.Add(SeedSql.Insert(SeedFixture.PipelineDrain, 10));

        Assert.All(statements, statement =>
        {
            var used = System.Text.RegularExpressions.Regex.Matches(statement.Sql, "@([a-z_]+)").Select(m => m.Groups[1].Value).ToHashSet();
            Assert.Equal(used.Order(), statement.Parameters.Keys.Order());
        });
    }

    [Fact]
    public void A_single_status_fixture_seeds_a_constant_and_the_list_fixture_a_case_over_the_stride()
    {
        Assert.Equal("'Active'", SeedSql.StatusCase(SeedFixture.BulkRenewal, "g.n"));
        Assert.Equal("now() + s.expiry_offset", SeedSql.ExpiryCase(SeedFixture.BulkRenewal, "s.status", "s.expiry_offset"));

        var status = SeedSql.StatusCase(SeedFixture.CertificateList, "g.n");
        Assert.StartsWith("CASE WHEN (g.n) * 37 % 100 < 70 THEN 'Active' WHEN (g.n) * 37 % 100 < 80 THEN 'Expiring'", status, StringComparison.Ordinal);
        Assert.EndsWith("ELSE 'Archived' END", status, StringComparison.Ordinal);

        var expiry = SeedSql.ExpiryCase(SeedFixture.CertificateList, "s.status", "o");
        Assert.Contains("WHEN s.status IN ('Pending') THEN NULL::timestamptz", expiry, StringComparison.Ordinal);
        Assert.Contains("WHEN s.status IN ('Expired') THEN now() - o", expiry, StringComparison.Ordinal);
        Assert.Contains("WHEN s.status IN ('Expiring', 'RenewalInProgress', 'Failed') THEN now() + o / 3", expiry, StringComparison.Ordinal);
        Assert.EndsWith("ELSE now() + o END", expiry, StringComparison.Ordinal);
    }

    [Fact]
    public void Reset_restores_what_a_run_renewed_deletes_its_versions_and_jobs_and_restores_what_a_renewal_moved()
    {
        var reset = SeedSql.ResetJobs(SeedFixture.BulkRenewal, 10_000);

        Assert.Equal(4, reset.Count);
        Assert.Contains("EXISTS (SELECT 1 FROM certificate_versions AS v WHERE v.certificate_id = c.id)", reset[0].Sql, StringComparison.Ordinal);
        Assert.Contains("expires_at = now() + make_interval(secs => substr(c.id, length(@id_prefix) + 1)::int * @spread_seconds / @count)", reset[0].Sql, StringComparison.Ordinal);
        Assert.Equal(10_000, reset[0].Parameters["count"]);
        Assert.Equal("DELETE FROM certificate_versions WHERE starts_with(certificate_id, @id_prefix)", reset[1].Sql);
        Assert.Equal("DELETE FROM jobs WHERE starts_with(certificate_id, @id_prefix)", reset[2].Sql);
        Assert.Contains("c.status IN ('RenewalInProgress', 'Failed') AND 'Active' <> c.status", reset[3].Sql, StringComparison.Ordinal);
        Assert.All(reset, statement => Assert.Equal("mc-loadtest-bulk-", statement.Parameters["id_prefix"]));
    }

    [Fact]
    public void Only_the_drain_fixture_is_seeded_in_server_key_mode()
    {
        Assert.Equal("server", SeedSql.Insert(SeedFixture.PipelineDrain, 10).Parameters["keygen_mode"]);
        Assert.Equal("agent", SeedSql.Insert(SeedFixture.BulkRenewal, 10).Parameters["keygen_mode"]);
        Assert.Equal("agent", SeedSql.Insert(SeedFixture.CertificateList, 10).Parameters["keygen_mode"]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100_000)]
    public void The_insert_refuses_counts_the_names_cannot_hold(int count)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SeedSql.Insert(SeedFixture.BulkRenewal, count));
    }
}
