using System.Text.Json;
using Certctl.AgentIngest.Auth;
using Certctl.AgentIngest.Csr;
using Certctl.AgentIngest.Heartbeats;
using Certctl.AgentIngest.Problems;
using Certctl.AgentIngest.Work;
using Certctl.Domain;
using Certctl.Secrets;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Certctl.AgentIngest;

/// <summary>Registers the agent ingest services: options, token verification, the heartbeat buffer and writer, work claims, CSR submission.</summary>
public static partial class AgentIngestServiceExtensions
{
    public static TBuilder AddAgentIngest<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var services = builder.Services;
        services.AddOptions<AgentIngestOptions>().Bind(builder.Configuration).ValidateDataAnnotations().ValidateOnStart();
        services.AddConfigurationCipher(builder.Configuration);
        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
        services.AddExceptionHandler<IngestExceptionHandler>();
        // Binding failures (malformed JSON) throw, so the exception handler answers them as problems with a detail.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IdGenerator>();
        services.AddSingleton<AgentTokenVerifier>();
        services.AddHostedService<AgentCredentialRefresher>();
        services.AddSingleton<HeartbeatQueue>();
        services.AddSingleton<HeartbeatBatch>();
        services.AddHostedService<HeartbeatWriter>();
        services.AddSingleton<WorkClaim>();
        services.AddScoped<CsrSubmission>();
        return builder;
    }

    /// <summary>Logs once at start when registration is open (no bootstrap token).</summary>
    public static WebApplication WarnWhenRegistrationIsOpen(this WebApplication app)
    {
        if (string.IsNullOrEmpty(app.Services.GetRequiredService<IOptions<AgentIngestOptions>>().Value.BootstrapToken))
        {
            LogOpenRegistration(app.Logger);
        }

        return app;
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "CERTCTL_AGENT_BOOTSTRAP_TOKEN is not set: any host that reaches the agent API can register an agent.")]
    private static partial void LogOpenRegistration(ILogger logger);
}
