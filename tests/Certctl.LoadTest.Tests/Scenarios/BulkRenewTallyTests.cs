using System.Text;
using Certctl.LoadTest.Scenarios;

namespace Certctl.LoadTest.Tests.Scenarios;

public class BulkRenewTallyTests
{
    private const string FirstAnswer =
        """{"matched":10000,"created":10000,"skipped":{},"failed":0,"job_ids":["job-1","job-2"],"job_ids_truncated":true}""";

    private const string RepeatAnswer =
        """{"matched":10000,"created":0,"skipped":{"renewal already active":10000},"failed":0,"job_ids":[],"job_ids_truncated":false}""";

    [Fact]
    public void Reads_the_counts_of_a_bulk_renew_answer()
    {
        var counts = BulkRenewCounts.TryParse(Encoding.UTF8.GetBytes(
            """{"matched":12,"created":7,"skipped":{"status Archived":2,"renewal already active":3},"failed":0,"job_ids":[]}"""))!;

        Assert.Equal(12, counts.Matched);
        Assert.Equal(7, counts.Created);
        Assert.Equal(5, counts.SkippedTotal);
        Assert.Equal(2, counts.Skipped["status Archived"]);
        Assert.Equal(0, counts.Failed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"created":1,"skipped":{}}""")]
    [InlineData("""{"matched":1,"created":"1","skipped":{}}""")]
    [InlineData("""{"matched":1,"created":1,"skipped":[]}""")]
    [InlineData("""{"matched":1,"created":1,"skipped":{"x":-1}}""")]
    [InlineData("""{"type":"about:blank","title":"Unauthorized","status":401}""")]
    public void Anything_else_is_not_a_bulk_renew_answer(string body)
    {
        Assert.Null(BulkRenewCounts.TryParse(Encoding.UTF8.GetBytes(body)));
    }

    [Fact]
    public void Over_a_run_the_first_answer_creates_every_job_and_the_later_ones_skip_them_all()
    {
        var tally = new BulkRenewTally();

        tally.Add(BulkRenewCounts.TryParse(Encoding.UTF8.GetBytes(FirstAnswer))!);
        for (var i = 0; i < 1499; i++)
        {
            tally.Add(BulkRenewCounts.TryParse(Encoding.UTF8.GetBytes(RepeatAnswer))!);
        }

        var report = tally.Report().ToDictionary(count => count.Name, count => count.Value);
        Assert.Equal(1500, report["responses"]);
        Assert.Equal(15_000_000, report["matched"]);
        Assert.Equal(10_000, report["created"]);
        Assert.Equal(14_990_000, report["skipped"]);
        Assert.Equal(14_990_000, report["skipped (renewal already active)"]);
        Assert.Equal(0, report["failed"]);
        Assert.Equal(1, report["responses creating jobs"]);
        Assert.Equal(10_000, report["most created by one response"]);
    }

    [Fact]
    public void The_report_lists_sums_first_then_reasons_in_a_fixed_order()
    {
        var tally = new BulkRenewTally();
        tally.Add(new BulkRenewCounts(3, 0, new Dictionary<string, long> { ["status Revoked"] = 1, ["not found"] = 2 }, 0));

        Assert.Equal(
            ["responses", "matched", "created", "skipped", "skipped (not found)", "skipped (status Revoked)", "failed", "responses creating jobs", "most created by one response"],
            tally.Report().Select(count => count.Name));
    }

    [Fact]
    public async Task Adding_from_many_tasks_at_once_loses_nothing()
    {
        var tally = new BulkRenewTally();
        var counts = new BulkRenewCounts(10, 2, new Dictionary<string, long> { ["renewal already active"] = 8 }, 0);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                tally.Add(counts);
            }
        })));

        var report = tally.Report().ToDictionary(count => count.Name, count => count.Value);
        Assert.Equal(80_000, report["responses"]);
        Assert.Equal(160_000, report["created"]);
        Assert.Equal(640_000, report["skipped (renewal already active)"]);
        Assert.Equal(80_000, report["responses creating jobs"]);
    }
}
