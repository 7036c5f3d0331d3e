using Certctl.ServiceDefaults.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Certctl.ServiceDefaults;

/// <summary>The defaults every Certctl service starts from: telemetry, health, discovery, resilience, problem details.</summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>Health-check tag for checks that say the process itself is alive.</summary>
    public const string LiveTag = "live";

    /// <summary>Adds telemetry, health checks, service discovery, HttpClient resilience and problem details.</summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureCertctlTelemetry();

        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        builder.Services.AddCertctlProblemDetails();
        return builder;
    }

    /// <summary>
    /// Maps <c>/health</c> (ready: every registered check, Postgres and RabbitMQ included) and
    /// <c>/alive</c> (the process answers). Both exist in every environment: orchestrators need them in production too.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.UseInlineCompletionGuard();
        app.UseExceptionHandler();
        app.UseStatusCodePages();

        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = HealthReportWriter.WriteAsync });
        app.MapHealthChecks("/alive", new HealthCheckOptions { Predicate = check => check.Tags.Contains(LiveTag) });
        return app;
    }
}
