namespace Certctl.CaConnector.Issuers;

/// <summary>Loads the local CAs at start, so the first start makes and stores each root before any command arrives.</summary>
public sealed class IssuerRegistryWarmUp(IssuerRegistry registry, ILogger<IssuerRegistryWarmUp> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await registry.LoadEnabledAsync(stoppingToken);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            // Not fatal: each command loads its issuer on demand, and retries cover a database that is still starting.
            logger.LogWarning(ex, "Loading the issuers at start failed; they load on first use.");
        }
    }
}
