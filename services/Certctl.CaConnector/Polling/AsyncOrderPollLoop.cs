using Microsoft.Extensions.Options;

namespace Certctl.CaConnector.Polling;

/// <summary>Runs <see cref="AsyncOrderPoller"/> every <c>CERTCTL_ASYNC_POLL_INTERVAL_SECONDS</c>, on every replica (the claim shares the work).</summary>
public sealed class AsyncOrderPollLoop(AsyncOrderPoller poller, TimeProvider time, IOptions<AsyncPollOptions> options, ILogger<AsyncOrderPollLoop> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(options.Value.IntervalSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // A full batch means more are due: go again at once instead of waiting a tick.
                while (await poller.PollDueAsync(stoppingToken) >= options.Value.BatchSize)
                {
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The database may be restarting; the claimed orders come due again after the claim lease.
                logger.LogWarning(ex, "Polling the async CA orders failed; trying again in {Interval}.", interval);
            }

            try
            {
                await Task.Delay(interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
