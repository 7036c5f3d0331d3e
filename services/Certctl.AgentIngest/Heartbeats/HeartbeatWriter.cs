using Microsoft.Extensions.Options;
using Npgsql;

namespace Certctl.AgentIngest.Heartbeats;

/// <summary>
/// Drains the heartbeat buffer into <c>agents</c>: a batch is written when it reaches <c>CERTCTL_HEARTBEAT_BATCH_SIZE</c> or
/// when its first heartbeat has waited <c>CERTCTL_HEARTBEAT_BATCH_DELAY_MS</c>. A failed write is retried with the same
/// batch until it succeeds, while the buffer fills and then refuses new heartbeats (503); on a graceful stop everything
/// accepted is written before the writer ends.
/// </summary>
public sealed partial class HeartbeatWriter(
    HeartbeatQueue queue, HeartbeatBatch batch, IOptions<AgentIngestOptions> options, TimeProvider time, ILogger<HeartbeatWriter> logger)
    : BackgroundService
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LongestRetryDelay = TimeSpan.FromSeconds(5);

    private readonly int _batchSize = options.Value.HeartbeatBatchSize;
    private readonly TimeSpan _delay = options.Value.HeartbeatBatchDelay;

    /// <summary>Stops accepting heartbeats, then waits (up to the host's shutdown timeout) until every accepted one is written.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // The web server stops first (it was registered last), so no request is still queueing when the buffer closes.
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
        var taken = new List<Heartbeat>(_batchSize);
        try
        {
            while (await CollectAsync(taken, stoppingToken))
            {
                await WriteWithRetryAsync(HeartbeatBatch.LastPerAgent(taken), taken.Count, stoppingToken);
                taken.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        var left = taken.Count;
        while (queue.Reader.TryRead(out _))
        {
            left++;
        }

        if (left > 0)
        {
            HeartbeatMetrics.Lost.Add(left);
            LogLostOnShutdown(logger, left);
        }
    }

    // Waits for a first heartbeat, then gathers more until the batch is full or the delay since that first one is over.
    private async Task<bool> CollectAsync(List<Heartbeat> taken, CancellationToken stoppingToken)
    {
        var reader = queue.Reader;
        if (!await reader.WaitToReadAsync(stoppingToken))
        {
            return false;
        }

        using var window = new CancellationTokenSource(_delay, time);
        using var stopping = stoppingToken.Register(static state => ((CancellationTokenSource)state!).Cancel(), window);
        while (true)
        {
            while (taken.Count < _batchSize && reader.TryRead(out var heartbeat))
            {
                taken.Add(heartbeat);
            }

            if (taken.Count >= _batchSize)
            {
                break;
            }

            try
            {
                if (!await reader.WaitToReadAsync(window.Token))
                {
                    break;
                }
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                break;
            }
        }

        HeartbeatQueue.Taken(taken.Count);
        return true;
    }

    private async Task WriteWithRetryAsync(IReadOnlyList<Heartbeat> heartbeats, int received, CancellationToken stoppingToken)
    {
        var delay = FirstRetryDelay;
        while (true)
        {
            try
            {
                HeartbeatMetrics.Written.Add(await batch.WriteAsync(heartbeats, stoppingToken));
                HeartbeatMetrics.BatchSize.Record(heartbeats.Count);
                return;
            }
            catch (PostgresException exception) when (!exception.IsTransient && IsPermanent(exception.SqlState))
            {
                // A batch the database refuses on its content would block every later heartbeat if it were retried.
                HeartbeatMetrics.Lost.Add(received);
                LogBatchRefused(logger, exception, heartbeats.Count);
                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The database is away or busy: keep the batch; the buffer fills meanwhile and then answers 503.
                LogBatchRetry(logger, exception, heartbeats.Count, delay.TotalMilliseconds);
                await Task.Delay(delay, time, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LongestRetryDelay.Ticks));
            }
        }
    }

    // Data exceptions, constraint violations, syntax and privilege errors fail the same way every time.
    private static bool IsPermanent(string sqlState) =>
        sqlState.StartsWith("22", StringComparison.Ordinal) || sqlState.StartsWith("23", StringComparison.Ordinal) ||
        sqlState.StartsWith("42", StringComparison.Ordinal);

    [LoggerMessage(Level = LogLevel.Error, Message = "The database refused a batch of {Count} heartbeats; they are lost")]
    private static partial void LogBatchRefused(ILogger logger, Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing {Count} heartbeats failed; retrying in {DelayMs} ms")]
    private static partial void LogBatchRetry(ILogger logger, Exception exception, int count, double delayMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "The shutdown timeout ran out before {Count} heartbeats were written; they are lost")]
    private static partial void LogLostOnShutdown(ILogger logger, int count);
}
