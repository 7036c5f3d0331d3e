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
            catch (Exception exception) when (exception is HttpRequestException or Refit.ApiExceptionBase or TaskCanceledException)
            {
                // The server unreachable or refusing: expected now and then, so one line, not a stack trace every back-off.
                ConsecutiveFailures++;
                logger.LogWarning("{Loop} failed ({Failures} in a row): {Error}; next try after {Interval} plus a {Backoff} back-off",
                    Name, ConsecutiveFailures, exception.Message, Interval, FailureBackoff.For(ConsecutiveFailures));
            }
            catch (Exception exception)
            {
                ConsecutiveFailures++;
                logger.LogError(exception, "{Loop} failed ({Failures} in a row); next try after {Interval} plus a {Backoff} back-off",
                    Name, ConsecutiveFailures, Interval, FailureBackoff.For(ConsecutiveFailures));
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
