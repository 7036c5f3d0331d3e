using Certctl.ServiceDefaults;

namespace Certctl.IntegrationTests;

/// <summary>Group commit: concurrent rows share statements, results reach their own callers, one bad row fails only itself.</summary>
public sealed class StatementBatcherTests
{
    [Fact]
    public async Task Rows_queued_while_a_batch_runs_go_out_together_and_each_caller_gets_its_own_result()
    {
        var batches = new List<int>();
        var firstRunning = new TaskCompletionSource();
        var releaseFirst = new TaskCompletionSource();
        await using var batcher = new StatementBatcher<int, int>("square", async (rows, _) =>
        {
            lock (batches)
            {
                batches.Add(rows.Count);
            }

            if (rows.Contains(0))
            {
                firstRunning.SetResult();
                await releaseFirst.Task;
            }

            return [.. rows.Select(row => row * row)];
        }, row => row);

        var first = batcher.RunAsync(0, CancellationToken.None);
        await firstRunning.Task;
        var rest = Enumerable.Range(1, 30).Select(row => batcher.RunAsync(row, CancellationToken.None)).ToArray();
        releaseFirst.SetResult();

        Assert.Equal(0, await first);
        var results = await Task.WhenAll(rest);
        Assert.Equal(Enumerable.Range(1, 30).Select(row => row * row), results);
        Assert.Equal([1, 30], batches);
    }

    [Fact]
    public async Task A_failing_batch_is_retried_row_by_row_so_only_the_bad_row_fails()
    {
        var hold = new TaskCompletionSource();
        await using var batcher = new StatementBatcher<int, string>("check", async (rows, _) =>
        {
            await hold.Task;
            return rows.Contains(13) ? throw new InvalidOperationException("row 13 is bad") : [.. rows.Select(row => $"ok {row}")];
        }, row => row);

        var blocker = batcher.RunAsync(1, CancellationToken.None);
        var calls = new[] { 12, 13, 14 }.Select(row => batcher.RunAsync(row, CancellationToken.None)).ToArray();
        hold.SetResult();

        Assert.Equal("ok 1", await blocker);
        Assert.Equal("ok 12", await calls[0]);
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => calls[1]);
        Assert.Equal("row 13 is bad", failure.Message);
        Assert.Equal("ok 14", await calls[2]);
    }

    [Fact]
    public async Task Rows_with_the_same_key_never_share_a_batch()
    {
        var hold = new TaskCompletionSource();
        var seen = new List<string[]>();
        await using var batcher = new StatementBatcher<(string Key, int Value), int>("keyed", async (rows, _) =>
        {
            await hold.Task;
            lock (seen)
            {
                seen.Add([.. rows.Select(row => row.Key)]);
            }

            return [.. rows.Select(row => row.Value)];
        }, row => row.Key);

        var blocker = batcher.RunAsync(("x", 0), CancellationToken.None);
        var calls = new[] { ("a", 1), ("b", 2), ("a", 3) }.Select(row => batcher.RunAsync(row, CancellationToken.None)).ToArray();
        hold.SetResult();

        Assert.Equal(0, await blocker);
        var values = await Task.WhenAll(calls);
        Assert.Equal([1, 2, 3], values);
        Assert.All(seen, keys => Assert.Equal(keys.Length, keys.Distinct().Count()));
        Assert.Contains(seen, keys => keys.SequenceEqual(["a"]));
    }

    [Fact]
    public async Task A_row_cancelled_before_its_batch_starts_is_not_written()
    {
        var hold = new TaskCompletionSource();
        var written = new List<int>();
        await using var batcher = new StatementBatcher<int, int>("cancel", async (rows, _) =>
        {
            await hold.Task;
            lock (written)
            {
                written.AddRange(rows);
            }

            return [.. rows];
        }, row => row);

        var blocker = batcher.RunAsync(1, CancellationToken.None);
        using var cancelled = new CancellationTokenSource();
        var dropped = batcher.RunAsync(2, cancelled.Token);
        var kept = batcher.RunAsync(3, CancellationToken.None);
        await cancelled.CancelAsync();
        hold.SetResult();

        Assert.Equal(1, await blocker);
        Assert.Equal(3, await kept);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => dropped);
        Assert.DoesNotContain(2, written);
    }
}
