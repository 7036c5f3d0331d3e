using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Certctl.Agent.Client;
using Certctl.Agent.Deployment;
using Certctl.Agent.Deployment.Targets;
using Certctl.Agent.Discovery;
using Certctl.Agent.Keys;
using Certctl.Agent.Options;
using Certctl.Agent.State;
using Certctl.Agent.Verification;
using Certctl.Agent.Work;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Refit;

namespace Certctl.Agent.Hosting;

/// <summary>Registers the agent: validated options, the Refit client with its TLS policy, the jobs and the loops.</summary>
public static class AgentServiceRegistration
{
    /// <summary>Adds everything the agent runs; <paramref name="primaryHandler"/> replaces the network (tests only).</summary>
    public static IServiceCollection AddCertctlAgent(this IServiceCollection services, IConfiguration configuration, Func<HttpMessageHandler>? primaryHandler = null)
    {
        services.AddOptions<AgentOptions>().Bind(configuration).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AgentOptions>, AgentOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<HostFacts>();
        services.TryAddSingleton<TlsEndpointProbe>();
        services.TryAddSingleton<ICommandRunner, ShellCommandRunner>();

        services.AddSingleton<AgentRetirement>();
        services.AddSingleton<AgentStateStore>();
        services.AddSingleton<AgentSession>();
        services.AddSingleton<PrivateKeyStore>();
        services.AddSingleton<AtomicFileDeployment>();
        services.AddSingleton<ITargetAdapter, NginxTarget>();
        services.AddSingleton<ITargetAdapter, ApacheTarget>();
        services.AddSingleton<ITargetAdapter, HaproxyTarget>();
        services.AddSingleton<ITargetAdapter, PemFolderTarget>();
        services.AddSingleton<TargetAdapters>();
        services.AddSingleton<CertificateDiscovery>();
        services.AddSingleton<JobReporter>();
        services.AddSingleton<CsrJob>();
        services.AddSingleton<DeploymentJob>();
        services.AddSingleton<WorkItemProcessor>();

        services.AddTransient<AgentTokenHandler>();
        services.AddTransient<RetirementHandler>();
        services.AddRefitGeneratedClient<IAgentApi>(AgentJson.RefitSettings())
            .ConfigureHttpClient((provider, client) =>
            {
                var options = provider.GetRequiredService<IOptions<AgentOptions>>().Value;
                client.BaseAddress = options.ServerUri;
                client.Timeout = TimeSpan.FromSeconds(30);
            })
            .ConfigurePrimaryHttpMessageHandler(provider => primaryHandler?.Invoke() ?? CreateServerHandler(provider))
            .AddHttpMessageHandler<RetirementHandler>()
            .AddHttpMessageHandler<AgentTokenHandler>();

        services.AddHostedService<HeartbeatLoop>();
        services.AddHostedService<WorkPollLoop>();
        if (new AgentOptions { DiscoveryDirectories = configuration["CERTCTL_DISCOVERY_DIRS"] }.DiscoveryFolders.Count > 0)
        {
            services.AddHostedService<DiscoveryLoop>();
        }

        return services;
    }

    // Reference §5.1: TLS 1.3 at least, 10 s to connect, the server's CA bundle when one is given instead of the system roots.
    private static SocketsHttpHandler CreateServerHandler(IServiceProvider provider)
    {
        var options = provider.GetRequiredService<IOptions<AgentOptions>>().Value;
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(10),
            MaxConnectionsPerServer = 10,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            // The loops keep one client for the agent's life: recycling connections lets a moved server (DNS) be found.
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            SslOptions = new SslClientAuthenticationOptions { EnabledSslProtocols = SslProtocols.Tls13 },
        };

        if (options.InsecureSkipVerify)
        {
            provider.GetRequiredService<ILogger<AgentSession>>().LogWarning(
                "CERTCTL_SERVER_TLS_INSECURE_SKIP_VERIFY is set: the server's certificate is not checked. Development only.");
            handler.SslOptions.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        }
        else if (!string.IsNullOrWhiteSpace(options.CaBundlePath))
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(options.CaBundlePath);
            handler.SslOptions.CertificateChainPolicy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            handler.SslOptions.CertificateChainPolicy.CustomTrustStore.AddRange(roots);
        }

        return handler;
    }
}
