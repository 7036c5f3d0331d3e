using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Certctl.ServiceDefaults.Tracing;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Certctl.ServiceDefaults;

/// <summary>OpenTelemetry traces, metrics and logs for every service, exported over OTLP when an endpoint is configured.</summary>
public static class Telemetry
{
    /// <summary>The name of Certctl's own meter and activity source.</summary>
    public const string SourceName = "Certctl";

    /// <summary>MassTransit's activity source and meter name (DiagnosticHeaders.DefaultListenerName, InstrumentationOptions.MeterName).</summary>
    public const string MassTransitSourceName = "MassTransit";

    /// <summary>Certctl's meter: every service records its own counters and histograms here.</summary>
    public static readonly Meter Meter = new(SourceName);

    /// <summary>Certctl's activity source for spans the frameworks do not make themselves.</summary>
    public static readonly System.Diagnostics.ActivitySource ActivitySource = new(SourceName);

    internal static TBuilder ConfigureCertctlTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        var sampling = TraceSamplingOptions.From(builder.Configuration);
        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(MassTransitSourceName)
                .AddMeter("Npgsql")
                .AddMeter(SourceName))
            .WithTracing(tracing => tracing
                // Set here, so it wins over the OTEL_TRACES_SAMPLER=always_on that Aspire gives every project.
                .SetSampler(new ParentBasedSampler(new RateLimitedRootSampler(sampling.Ratio, sampling.MaxPerSecond, burst: sampling.Burst)))
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(SourceName)
                .AddSource(MassTransitSourceName)
                .AddSource("Npgsql")
                .AddAspNetCoreInstrumentation(options => options.Filter = IsNotProbe)
                .AddHttpClientInstrumentation());

        // The Aspire dashboard (and any collector) is reached only when an endpoint is configured.
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    // Health probes arrive every few seconds from the orchestrator; tracing them buries real requests.
    private static bool IsNotProbe(HttpContext context) =>
        !context.Request.Path.StartsWithSegments("/health") && !context.Request.Path.StartsWithSegments("/alive");
}
