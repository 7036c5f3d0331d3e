namespace Certctl.CaConnector.Issuers.Acme;

/// <summary>
/// Opens the http-01 responder's port of every enabled ACME http-01 issuer at start, so this replica answers validation
/// requests for orders another replica placed (the load balancer may send them anywhere).
/// </summary>
public sealed class Http01ResponderWarmUp(IssuerRows rows, Http01Responder responder, ILogger<Http01ResponderWarmUp> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        IReadOnlyList<IssuerRow> issuers;
        try
        {
            issuers = await rows.ListEnabledAsync(stoppingToken);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            // Not fatal: each order opens its issuer's port on first use.
            logger.LogWarning(ex, "Listing the ACME issuers at start failed; their http-01 ports open on first use.");
            return;
        }

        foreach (var port in issuers
            .Where(row => AcmeConnectors.IsAcme(row.Type))
            .Select(row => Domain.AcmeIssuerConfiguration.TryRead(row.ConfigurationJson, out var configuration) is null ? configuration : null)
            .Where(configuration => configuration?.EffectiveChallengeType == Domain.AcmeIssuerConfiguration.Http01)
            .Select(configuration => configuration!.EffectiveHttpPort)
            .Distinct())
        {
            try
            {
                await responder.EnsureListeningAsync(port, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "The ACME http-01 responder cannot open port {Port}; its issuers' http-01 orders fail until it can.", port);
            }
        }
    }
}
