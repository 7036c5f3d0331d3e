using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Certctl.Acme.RateLimiting;

/// <summary>Registers the ACME server's GCRA rate limiter (<see cref="IAcmeRateLimiter"/>) and its options.</summary>
public static class RateLimitingRegistration
{
    public static TBuilder AddAcmeRateLimiting<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<AcmeRateLimitOptions>().Bind(builder.Configuration).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<AcmeRateLimitMetrics>();
        builder.Services.AddSingleton<IAcmeRateLimiter, PostgresGcraRateLimiter>();
        return builder;
    }
}
