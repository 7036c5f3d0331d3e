using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Certctl.CaConnector.RenewalInfo;

/// <summary>Registers the ARI poller and its hosted loop (docs/issuers.md, "ACME Renewal Information").</summary>
public static class AriServiceExtensions
{
    public static IServiceCollection AddAcmeRenewalInfo(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AriPollOptions>().Bind(configuration).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<AriHttpClients>();
        services.TryAddSingleton<AriClient>();
        services.TryAddSingleton<AriMetrics>();
        services.TryAddSingleton<AriIssuers>();
        services.TryAddSingleton<AriStore>();
        services.TryAddSingleton<AriPollLock>();
        services.TryAddSingleton(sp => ActivatorUtilities.CreateInstance<AriPoller>(sp));
        services.AddHostedService(sp => ActivatorUtilities.CreateInstance<AriPollLoop>(sp));
        return services;
    }
}
