using Certctl.Agent.State;

namespace Certctl.Agent.Hosting;

/// <summary>
/// One periodic agent activity (heartbeat, work poll, discovery): it runs at start, then every interval; after consecutive
/// failures it first waits <see cref="FailureBackoff"/>. Every wait is on the <see cref="TimeProvider"/> and ends at shutdown.
/// </summary>
public abstract class AgentLoop(AgentSession session, TimeProvider time, ILogger logger) : BackgroundService
{
    /// <summary>The loop's name in logs.</summary>
    protected abstract string Name { get; }

    /// <summary>The wait between two runs.</summary>
    protected abstract TimeSpan Interval { get; }

    /// <summary>The clock every wait runs on.</summary>
    protected TimeProvider Time => time;

    /// <summary>Consecutive failed runs so far (0 after a success).</summary>
    public int ConsecutiveFailures { get; private set; }

    /// <summary>One run; an exception counts as a failure.</summary>
    protected abstract Task RunOnceAsync(AgentCredentials credentials, CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var backoff = FailureBackoff.For(ConsecutiveFailures);
                if (backoff > TimeSpan.Zero)
                {
                    await Task.Delay(backoff, time, stoppingToken);
                }

                var credentials = await session.EnsureRegisteredAsync(stoppingToken);
                await RunOnceAsync(credentials, stoppingToken);
                ConsecutiveFailures = 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Refit.ApiException exception) when (exception.StatusCode == System.Net.HttpStatusCode.Gone)
            {
                return; // retired: RetirementHandler has already asked the host to stop
            }
            catch (Exception exception)
            {
                ConsecutiveFailures++;
                logger.LogWarning(exception, "{Loop} failed ({Failures} in a row); next try after a {Backoff} back-off",
                    Name, ConsecutiveFailures, FailureBackoff.For(ConsecutiveFailures));
            }

            try
            {
                await Task.Delay(Interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
