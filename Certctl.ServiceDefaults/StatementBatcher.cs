using System.Diagnostics;
using System.Threading.Channels;

namespace Certctl.ServiceDefaults;

/// <summary>
/// Group commit for one statement: concurrent callers each hand in one row and await its result, and whatever queued while the
/// previous batch ran goes to the database as one statement. Alone, a caller's row goes out at once (no timer, no added latency);
/// under load, 25 concurrent consumers cost one round trip, one commit and one trigger run instead of 25.
/// </summary>
/// <remarks>
/// Rows with the same key never share a batch (the later one waits for the next), so a statement keyed by job id sees each job
/// once. When a batch of several rows fails, each row is tried again alone, so one bad row fails only its own caller.
/// A caller's cancellation is honoured until its batch starts; after that the row is written and the caller learns the result.
/// </remarks>
public sealed class StatementBatcher<TItem, TResult> : IAsyncDisposable where TItem : notnull
{
    private readonly Channel<Entry> _queue = Channel.CreateUnbounded<Entry>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<IReadOnlyList<TItem>, CancellationToken, Task<IReadOnlyList<TResult>>> _execute;
    private readonly Func<TItem, object> _key;
    private readonly string _name;
    private readonly int _maxBatch;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;

    /// <param name="name">The span name of each batch (<c>certctl.batch {name}</c>).</param>
    /// <param name="execute">Runs one statement for the rows and returns one result per row, in the same order.</param>
    /// <param name="key">Rows with equal keys go to different batches.</param>
    /// <param name="maxBatch">Most rows per statement.</param>
    public StatementBatcher(
        string name, Func<IReadOnlyList<TItem>, CancellationToken, Task<IReadOnlyList<TResult>>> execute, Func<TItem, object> key, int maxBatch = 100)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        _name = name;
        _execute = execute;
        _key = key;
        _maxBatch = maxBatch;
        // Not the first caller's context: its trace and its cancellation must not leak into every later batch.
        using (ExecutionContext.SuppressFlow())
        {
            _loop = Task.Run(RunAsync);
        }
    }

    /// <summary>Queues the row and completes with its result once its batch has run.</summary>
    public Task<TResult> RunAsync(TItem item, CancellationToken cancellationToken)
    {
        var entry = new Entry(item, new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously), cancellationToken,
            Activity.Current?.Context);
        if (!_queue.Writer.TryWrite(entry))
        {
            throw new ObjectDisposedException(nameof(StatementBatcher<TItem, TResult>));
        }

        return entry.Result.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stopping.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stopping.Dispose();
    }

    private async Task RunAsync()
    {
        var deferred = new Queue<Entry>();
        var batch = new List<Entry>(_maxBatch);
        var keys = new HashSet<object>();
        while (deferred.Count > 0 || await _queue.Reader.WaitToReadAsync(_stopping.Token))
        {
            batch.Clear();
            keys.Clear();
            var carried = deferred.Count;
            while (batch.Count < _maxBatch && (carried-- > 0 ? deferred.TryDequeue(out var entry) : _queue.Reader.TryRead(out entry)))
            {
                if (entry.CancellationToken.IsCancellationRequested)
                {
                    entry.Result.TrySetCanceled(entry.CancellationToken);
                }
                else if (keys.Add(_key(entry.Item)))
                {
                    batch.Add(entry);
                }
                else
                {
                    deferred.Enqueue(entry);
                }
            }

            if (batch.Count > 0)
            {
                await ExecuteAsync(batch);
            }
        }

        while (_queue.Reader.TryRead(out var left))
        {
            left.Result.TrySetException(new ObjectDisposedException(nameof(StatementBatcher<TItem, TResult>)));
        }
    }

    private async Task ExecuteAsync(List<Entry> batch)
    {
        try
        {
            var results = await RunBatchAsync(batch);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Result.TrySetResult(results[i]);
            }
        }
        catch (Exception) when (batch.Count > 1)
        {
            foreach (var entry in batch)
            {
                await ExecuteAsync([entry]);
            }
        }
        catch (Exception exception)
        {
            batch[0].Result.TrySetException(exception);
        }
    }

    private async Task<IReadOnlyList<TResult>> RunBatchAsync(List<Entry> batch)
    {
        // One span per statement, linked to every caller's span, so each caller's trace shows the batch that wrote its row.
        var links = batch.Where(entry => entry.Parent is not null).Select(entry => new ActivityLink(entry.Parent!.Value));
        using var activity = Telemetry.ActivitySource.StartActivity(ActivityKind.Internal, parentContext: default, links: links,
            name: "certctl.batch " + _name);
        activity?.SetTag("certctl.batch.size", batch.Count);
        var results = await _execute([.. batch.Select(entry => entry.Item)], _stopping.Token);
        if (results.Count != batch.Count)
        {
            throw new InvalidOperationException($"Batch '{_name}' returned {results.Count} results for {batch.Count} rows.");
        }

        return results;
    }

    private sealed record Entry(TItem Item, TaskCompletionSource<TResult> Result, CancellationToken CancellationToken, ActivityContext? Parent);
}
