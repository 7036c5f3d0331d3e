using Microsoft.Extensions.Options;

namespace Certctl.CaConnector.RenewalInfo;

/// <summary>
/// Runs <see cref="AriPoller"/> every <c>CERTCTL_ARI_POLL_INTERVAL_SECONDS</c> (±10 % jitter), on the one replica holding the
/// ARI advisory lock. The next wait starts when a run ends, so runs never overlap.
/// </summary>
public sealed partial class AriPollLoop(
    AriPoller poller, AriPollLock clusterLock, TimeProvider time, IOptions<AriPollOptions> options, ILogger<AriPollLoop> logger, Func<double>? unitRandom = null)
    : BackgroundService
{
    /// <summary>The largest share of the interval a wait may be shortened or lengthened by.</summary>
    public const double JitterSpread = 0.10;

    private readonly Func<double> _unitRandom = unitRandom ?? Random.Shared.NextDouble;

    /// <summary>Raised with each jittered wait once its timer is armed (tests advance a fake clock from here).</summary>
    public event Action<TimeSpan>? Waiting;

    /// <summary>One run, if this replica gets the lock; how many certificates were polled, or null when another replica holds it.</summary>
    public async Task<int?> RunOnceAsync(CancellationToken cancellationToken)
    {
        await using var held = await clusterLock.TryAcquireAsync(cancellationToken);
        if (held is null)
        {
            LogHeldElsewhere();
            return null;
        }

        return await poller.RunAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(options.Value.IntervalSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await RunOnceAsync(stoppingToken) is > 0 and var polled)
                {
                    LogPolled(polled);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The database may be restarting; claimed rows come due again after the claim lease.
                LogFailed(ex, interval);
            }

            var wait = interval * (1 - JitterSpread + (2 * JitterSpread * _unitRandom()));
            try
            {
                var delay = Task.Delay(wait, time, stoppingToken);
                Waiting?.Invoke(wait);
                await delay;
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "ARI poll run asked {Polled} certificates' CAs for their renewal windows.")]
    private partial void LogPolled(int polled);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The ARI poll run failed; trying again in about {Interval}.")]
    private partial void LogFailed(Exception exception, TimeSpan interval);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Another replica holds the ARI poll lock; skipping this run.")]
    private partial void LogHeldElsewhere();
}
