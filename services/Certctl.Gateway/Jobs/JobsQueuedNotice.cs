using Certctl.Contracts;
using MassTransit;

namespace Certctl.Gateway.Jobs;

/// <summary>
/// Tells the scheduler that jobs were committed (<see cref="JobsQueued"/>) so it dispatches them now rather than at its next tick.
/// A hint only: the jobs are already rows, so a broker that is away costs latency, never the request (it is logged and dropped).
/// </summary>
public sealed partial class JobsQueuedNotice(IPublishEndpoint publisher, TimeProvider time, ILogger<JobsQueuedNotice> logger)
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Publishes after the commit; never throws.</summary>
    public async Task PublishAsync(int count, string source)
    {
        if (count <= 0)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(PublishTimeout);
        try
        {
            await publisher.Publish(new JobsQueued(count, source, time.GetUtcNow()), timeout.Token);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogNotPublished(logger, exception, count, source);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not announce {Count} queued jobs ({Source}); the scheduler's next tick dispatches them")]
    private static partial void LogNotPublished(ILogger logger, Exception exception, int count, string source);
}
