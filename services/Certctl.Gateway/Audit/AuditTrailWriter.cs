using Microsoft.Extensions.Options;
using Npgsql;

namespace Certctl.Gateway.Audit;

/// <summary>
/// Drains the audit queue into <c>audit_events</c> in batches: a batch is written when it reaches the batch size or when
/// its first row has waited the flush interval. On a graceful stop it writes everything accepted before it ends.
/// </summary>
public sealed partial class AuditTrailWriter(
    AuditQueue queue, AuditBatchInsert insert, IOptions<AuditTrailOptions> options, TimeProvider time, ILogger<AuditTrailWriter> logger)
    : BackgroundService
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LongestRetryDelay = TimeSpan.FromSeconds(5);

    private readonly int _batchSize = options.Value.BatchSize;
    private readonly TimeSpan _flushInterval = TimeSpan.FromMilliseconds(options.Value.FlushIntervalMilliseconds);

    /// <summary>Stops accepting rows, then waits (up to the host's shutdown timeout) until every accepted row is written.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Hosted services stop in reverse order and WebApplicationBuilder registers the web server last, so the server
        // has finished its in-flight requests (and they have queued their rows) before this runs: completing loses nothing.
        queue.Complete();
        if (ExecuteTask is { } draining)
        {
            try
            {
                await draining.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // The shutdown timeout ran out; base.StopAsync cancels the loop, which counts and logs what is left.
            }
        }

        await base.StopAsync(cancellationToken);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // stoppingToken fires only when the drain on shutdown times out: until then the loop keeps writing.
        var batch = new List<AuditRecord>(_batchSize);
        try
        {
            while (await CollectBatchAsync(batch, stoppingToken))
            {
                await WriteWithRetryAsync(batch, stoppingToken);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        var left = batch.Count;
        while (queue.Reader.TryRead(out _))
        {
            left++;
        }

        if (left > 0)
        {
            AuditMetrics.RowsLost.Add(left);
            LogLostOnShutdown(logger, left);
        }
    }

    // Waits for a first row, then gathers more until the batch is full or the flush interval since that first row is over.
    private async Task<bool> CollectBatchAsync(List<AuditRecord> batch, CancellationToken stoppingToken)
    {
        var reader = queue.Reader;
        if (!await reader.WaitToReadAsync(stoppingToken))
        {
            return false; // completed and empty: every accepted row is written
        }

        using var window = new CancellationTokenSource(_flushInterval, time);
        using var stopping = stoppingToken.Register(static state => ((CancellationTokenSource)state!).Cancel(), window);
        while (true)
        {
            while (batch.Count < _batchSize && reader.TryRead(out var record))
            {
                batch.Add(record);
            }

            if (batch.Count >= _batchSize)
            {
                break;
            }

            try
            {
                if (!await reader.WaitToReadAsync(window.Token))
                {
                    break; // completed: write what we have, the next wait ends the loop
                }
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                break; // the flush interval is over
            }
        }

        AuditQueue.Taken(batch.Count);
        return true;
    }

    private async Task WriteWithRetryAsync(List<AuditRecord> batch, CancellationToken stoppingToken)
    {
        var delay = FirstRetryDelay;
        while (true)
        {
            try
            {
                await insert.WriteAsync(batch, stoppingToken);
                AuditMetrics.RowsWritten.Add(batch.Count);
                AuditMetrics.BatchSize.Record(batch.Count);
                return;
            }
            catch (PostgresException exception) when (!exception.IsTransient && IsPermanent(exception.SqlState))
            {
                // Retrying a batch the database refuses on its content would block the trail forever; the log keeps the rows.
                AuditMetrics.RowsLost.Add(batch.Count);
                LogBatchRefused(logger, exception, batch.Count, string.Join(Environment.NewLine, batch));
                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The database is unreachable or busy: keep the batch and retry; the full queue holds requests back meanwhile.
                LogBatchRetry(logger, exception, batch.Count, delay.TotalMilliseconds);
                await Task.Delay(delay, time, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LongestRetryDelay.Ticks));
            }
        }
    }

    // Data exceptions, constraint violations, syntax and privilege errors will fail the same way every time.
    private static bool IsPermanent(string sqlState) =>
        sqlState.StartsWith("22", StringComparison.Ordinal) || sqlState.StartsWith("23", StringComparison.Ordinal) ||
        sqlState.StartsWith("42", StringComparison.Ordinal);

    [LoggerMessage(Level = LogLevel.Error, Message = "The database refused a batch of {Count} audit rows; they are lost: {Rows}")]
    private static partial void LogBatchRefused(ILogger logger, Exception exception, int count, string rows);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing {Count} audit rows failed; retrying in {DelayMs} ms")]
    private static partial void LogBatchRetry(ILogger logger, Exception exception, int count, double delayMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "The shutdown timeout ran out before {Count} audit rows were written; they are lost")]
    private static partial void LogLostOnShutdown(ILogger logger, int count);
}
