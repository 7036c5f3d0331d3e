using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Certctl.Agent.Hosting;

/// <summary>Traces, metrics and logs over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the Aspire dashboard sets it).</summary>
/// <remarks>The services get this from ServiceDefaults, which the agent cannot reference: it would bring Npgsql and MassTransit to every host.</remarks>
public static class AgentTelemetryRegistration
{
    public static IHostApplicationBuilder AddAgentTelemetry(this IHostApplicationBuilder builder)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            return builder;
        }

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });
        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics.AddHttpClientInstrumentation().AddRuntimeInstrumentation().AddMeter(AgentTelemetry.SourceName))
            .WithTracing(tracing => tracing.AddSource(AgentTelemetry.SourceName).AddHttpClientInstrumentation())
            .UseOtlpExporter();
        return builder;
    }
}
