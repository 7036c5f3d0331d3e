namespace Certctl.AgentIngest.Auth;

/// <summary>
/// Re-reads cached agent credentials that are due (see <see cref="AgentTokenVerifier"/>) in batches of up to
/// <see cref="AgentTokenVerifier.MaxIdsPerRead"/> ids per query, so requests keep using the cache while it is renewed.
/// </summary>
/// <remarks>A failed read is logged and dropped: those credentials expire as usual and the next request reads them itself.</remarks>
public sealed partial class AgentCredentialRefresher(AgentTokenVerifier verifier, ILogger<AgentCredentialRefresher> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = verifier.DueForRefresh;
        var batch = new List<string>(AgentTokenVerifier.MaxIdsPerRead);
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                while (batch.Count < AgentTokenVerifier.MaxIdsPerRead && reader.TryRead(out var agentId))
                {
                    batch.Add(agentId);
                }

                try
                {
                    await verifier.RefreshAsync(batch, stoppingToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    LogRefreshFailed(logger, exception, batch.Count);
                }

                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Re-reading {Count} cached agent credentials failed; they will be read when they expire.")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception, int count);
}
