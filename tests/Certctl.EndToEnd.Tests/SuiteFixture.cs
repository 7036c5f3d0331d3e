using System.Net;
using System.Net.Sockets;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace Certctl.EndToEnd.Tests;

/// <summary>Starts the real AppHost (every resource, real Postgres and RabbitMQ) once for the end-to-end tests.</summary>
public sealed class SuiteFixture : IAsyncLifetime
{
    /// <summary>Every resource that must become healthy (the migration runner must finish instead).</summary>
    public static readonly string[] LongRunningResources = ["postgres", "rabbitmq", "gateway", "agent-ingest", "acme", "scheduler", "ca-connector"];

    public static readonly TimeSpan StartupTimeout = TimeSpan.FromMinutes(4);

    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), $"certctl-e2e-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);

    /// <summary>This run's data folder (Postgres and RabbitMQ keep their files under it).</summary>
    public string DataDirectory => dataDirectory;

    public DistributedApplication App { get; private set; } = null!;

    public OtlpReceiver Otlp { get; private set; } = null!;

    /// <summary>The gateway's fixed port for this run (a free one, so a developer's suite on 8080 does not collide).</summary>
    public int GatewayPort { get; } = FreePort();

    public HttpClient Gateway { get; private set; } = null!;

    /// <summary>The port the ACME service's http-01 validation connects to, where a test's own challenge server (lego's) listens.</summary>
    public int Http01Port { get; } = FreePort();

    /// <summary>This run's database password: it is in every service's environment, so it tells this run's processes from others.</summary>
    public string PostgresPassword { get; } = $"pg{Guid.NewGuid():N}";

    /// <summary>The operator API key this run's gateway accepts.</summary>
    public string ApiKey { get; } = $"key{Guid.NewGuid():N}";

    /// <summary>The token agents register with in this run.</summary>
    public string AgentBootstrapToken { get; } = $"boot{Guid.NewGuid():N}";

    public async Task InitializeAsync()
    {
        // The AppHost runs in this process and prefers CERTCTL_API_KEY from the environment to the key parameter below: a key a
        // developer exported for their own suite (as the README suggests) would make every operator call here a 401.
        Environment.SetEnvironmentVariable("CERTCTL_API_KEY", null);
        Directory.CreateDirectory(dataDirectory);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(dataDirectory, (UnixFileMode)0b111_101_101); // the postgres and rabbitmq users must reach it
        }
        Otlp = await OtlpReceiver.StartAsync();

        string[] args =
        [
            $"--CERTCTL_GATEWAY_PORT={GatewayPort}",
            $"--CERTCTL_LOCAL_DATA_DIR={dataDirectory}",
            "--CERTCTL_PG_EPHEMERAL=1",
            "--CERTCTL_DATABASE_MAX_CONNS=10",
            // Every trace: SuiteStartupTests waits for one request's trace while the other tests keep the gateway above the default
            // 10 new traces a second (the limit itself is tested in TraceSamplingTests).
            "--CERTCTL_TRACE_MAX_PER_SECOND=0",
            $"--Parameters:postgres-password={PostgresPassword}",
            $"--Parameters:rabbitmq-password=mq{Guid.NewGuid():N}",
            $"--Parameters:certctl-api-key={ApiKey}",
            $"--Parameters:certctl-agent-bootstrap-token={AgentBootstrapToken}",
            $"--CERTCTL_DEMO_SITE_PORT={FreePort()}",
            $"--Parameters:certctl-config-encryption-key={Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))}",
            $"--Parameters:certctl-acme-nonce-key={Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))}",
        ];
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Certctl_AppHost>(args);

        // Point the gateway's OTLP exporter at our receiver, flushing quickly.
        var gateway = builder.Resources.OfType<ProjectResource>().Single(resource => resource.Name == "gateway");
        builder.CreateResourceBuilder(gateway).WithEnvironment(context =>
        {
            context.EnvironmentVariables["OTEL_EXPORTER_OTLP_ENDPOINT"] = Otlp.Endpoint;
            context.EnvironmentVariables["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
            context.EnvironmentVariables["OTEL_BSP_SCHEDULE_DELAY"] = "200";
        });

        // Loops at test speed: dispatch, retry and lease sweep run every few seconds and backoff is short, so the reliability
        // tests finish in seconds rather than the production hours; the renewal scan runs at its floor, once a minute.
        var scheduler = builder.Resources.OfType<ProjectResource>().Single(resource => resource.Name == "scheduler");
        builder.CreateResourceBuilder(scheduler)
            .WithEnvironment("CERTCTL_SCHEDULER_RENEWAL_CHECK_INTERVAL", "1m")
            .WithEnvironment("CERTCTL_SCHEDULER_JOB_PROCESSOR_INTERVAL", "1s")
            .WithEnvironment("CERTCTL_SCHEDULER_RETRY_INTERVAL", "1s")
            .WithEnvironment("CERTCTL_JOB_RETRY_BACKOFF_BASE", "2s")
            .WithEnvironment("CERTCTL_JOB_RETRY_BACKOFF_MAX", "10s")
            .WithEnvironment("CERTCTL_SCHEDULER_LEASE_SWEEP_INTERVAL", "2s")
            .WithEnvironment("CERTCTL_JOB_LEASE_DURATION", "20s");

        // A retired agent is refused once the ingest's credential cache forgets it: 30 s in production, 1 s here.
        var agentIngest = builder.Resources.OfType<ProjectResource>().Single(resource => resource.Name == "agent-ingest");
        builder.CreateResourceBuilder(agentIngest).WithEnvironment("CERTCTL_AGENT_AUTH_CACHE_SECONDS", "1");

        // http-01 validation connects to port 80 in production; here to a free port a test's challenge server can bind.
        var acme = builder.Resources.OfType<ProjectResource>().Single(resource => resource.Name == "acme");
        // An ACME order awaiting approval is polled every 2 s rather than every minute, so lego sees the operator's decision at once.
        builder.CreateResourceBuilder(acme)
            .WithEnvironment("CERTCTL_ACME_SERVER_HTTP01_PORT", Http01Port.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEnvironment("CERTCTL_ACME_SERVER_APPROVAL_RETRY_AFTER_SECONDS", "2");

        App = await builder.BuildAsync();
        using var startup = new CancellationTokenSource(StartupTimeout);
        await App.StartAsync(startup.Token);
        Gateway = new HttpClient { BaseAddress = new Uri($"http://localhost:{GatewayPort}") };
        // With containers the database is its own resource ("certctl"); with local servers the server resource serves it.
        var databaseResource = builder.Resources.Any(resource => resource.Name == "certctl") ? "certctl" : "postgres";
        DatabaseConnectionString = await App.GetConnectionStringAsync(databaseResource, startup.Token)
            ?? throw new InvalidOperationException("The AppHost gave no connection string for the certctl database.");
    }

    /// <summary>The suite's database, for checks the API does not expose (versions per job) and for setting up due certificates.</summary>
    public string DatabaseConnectionString { get; private set; } = null!;

    public async Task DisposeAsync()
    {
        Gateway?.Dispose();
        if (App is not null)
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }

        if (Otlp is not null)
        {
            await Otlp.DisposeAsync();
        }

        try
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A server still flushing its files; the folder is under /tmp and harmless.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
