using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Certctl.Acme.RenewalInfo;

/// <summary>Registers what the renewalInfo endpoint needs; <see cref="RenewalInfoEndpoints.MapAcmeRenewalInfo"/> maps it.</summary>
public static class RenewalInfoRegistration
{
    public static TBuilder AddAcmeRenewalInfo<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<AcmeRenewalInfoOptions>().Bind(builder.Configuration).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<RenewalInfoMetrics>();
        builder.Services.AddSingleton<RenewalInfoLookup>();
        builder.Services.AddSingleton<RenewalInfoAnswer>();
        return builder;
    }
}
