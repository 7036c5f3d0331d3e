using System.Text.RegularExpressions;
using Certctl.LoadTest.Draining;
using Certctl.LoadTest.Seeding;

namespace Certctl.LoadTest.Tests.Draining;

public class DrainSqlTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> Statements() => ["progress", "latency", "window"];

    private static SeedStatement Statement(string name) => name switch
    {
        "progress" => DrainSql.Progress(SeedFixture.PipelineDrain, Start),
        "latency" => DrainSql.Latency(SeedFixture.PipelineDrain, Start),
        _ => DrainSql.SteadiestWindow(SeedFixture.PipelineDrain, Start),
    };

    [Theory]
    [MemberData(nameof(Statements))]
    public void Every_statement_reads_only_the_fixtures_jobs_since_the_start_with_bound_parameters(string name)
    {
        var statement = Statement(name);

        Assert.StartsWith(name == "window" ? "WITH" : "SELECT", statement.Sql, StringComparison.Ordinal);
        Assert.DoesNotMatch(new Regex(@"\b(INSERT|UPDATE|DELETE)\b"), statement.Sql);
        Assert.DoesNotContain(';', statement.Sql);
        Assert.Contains(DrainSql.DrainJobs, statement.Sql, StringComparison.Ordinal);
        Assert.Equal("mc-loadtest-drain-", statement.Parameters["id_prefix"]);
        Assert.Equal(Start, statement.Parameters["start"]);
        var used = Regex.Matches(statement.Sql, "@([a-z_]+)").Select(m => m.Groups[1].Value).ToHashSet();
        Assert.Equal(used.Order(), statement.Parameters.Keys.Order());
    }

    [Fact]
    public void Latency_is_completed_at_minus_created_at_by_percentile_cont()
    {
        var sql = DrainSql.Latency(SeedFixture.PipelineDrain, Start).Sql;

        Assert.Contains("percentile_cont(ARRAY[0.5, 0.9, 0.99]) WITHIN GROUP (ORDER BY l.ms)", sql, StringComparison.Ordinal);
        Assert.Contains("extract(epoch FROM j.completed_at - j.created_at) * 1000", sql, StringComparison.Ordinal);
        Assert.Contains("j.status = 'Completed'", sql, StringComparison.Ordinal);
    }

    [Fact]
    public void The_window_is_ten_whole_seconds_and_only_full_windows_count()
    {
        var sql = DrainSql.SteadiestWindow(SeedFixture.PipelineDrain, Start).Sql;

        Assert.Equal(10, DrainSql.WindowSeconds);
        Assert.Contains("ROWS BETWEEN CURRENT ROW AND 9 FOLLOWING", sql, StringComparison.Ordinal);
        Assert.Contains("WHERE width = 10 ORDER BY completed DESC, second LIMIT 1", sql, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failed_job_with_attempts_left_is_still_retrying_not_finished()
    {
        var sql = DrainSql.Progress(SeedFixture.PipelineDrain, Start).Sql;

        Assert.Contains("j.status = 'Failed' AND j.attempts < j.max_attempts", sql, StringComparison.Ordinal);
        Assert.Contains(DrainSql.FailedForGood, sql, StringComparison.Ordinal);
    }

    [Fact]
    public void The_probe_connection_makes_every_transaction_read_only_and_keeps_given_options()
    {
        var plain = DrainProbe.ReadOnly(DatabaseTarget.Parse("Host=127.0.0.1;Database=certctl"));
        var withOptions = DrainProbe.ReadOnly(DatabaseTarget.Parse("Host=127.0.0.1;Database=certctl;Options=-c statement_timeout=5000"));

        Assert.Equal("-c default_transaction_read_only=on", plain.Options);
        Assert.Equal("certctl-loadtest-drain", plain.ApplicationName);
        Assert.Equal("-c statement_timeout=5000 -c default_transaction_read_only=on", withOptions.Options);
    }

    [Fact]
    public void The_trigger_body_is_the_name_prefix_filter()
    {
        Assert.Equal("""{"filter":{"name_prefix":"loadtest-drain-"}}""", System.Text.Encoding.UTF8.GetString(BulkRenewCall.Body("loadtest-drain-")));
    }
}
