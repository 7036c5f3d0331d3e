using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Certctl.AppHost.Infrastructure;

/// <summary>Adds Postgres and RabbitMQ: containers where a container engine answers, the local servers otherwise.</summary>
internal static class InfrastructureExtensions
{
    /// <summary>Configuration key (or environment variable) that forces a mode: <c>auto</c>, <c>containers</c> or <c>local</c>.</summary>
    public const string ModeKey = "CERTCTL_INFRASTRUCTURE";

    /// <summary>Configuration key for the folder that holds the local servers' data (default <c>.certctl/</c> in the repository).</summary>
    public const string DataDirectoryKey = "CERTCTL_LOCAL_DATA_DIR";

    private const string DatabaseName = "certctl";
    private const string RabbitMqUser = "certctl";

    public static CertctlInfrastructure AddCertctlInfrastructure(this IDistributedApplicationBuilder builder)
    {
        var postgresPassword = builder.AddParameter("postgres-password", Generated(), secret: true, persist: true);
        var rabbitPassword = builder.AddParameter("rabbitmq-password", Generated(), secret: true, persist: true);

        return ResolveMode(builder) switch
        {
            InfrastructureMode.Containers => AddContainers(builder, postgresPassword, rabbitPassword),
            _ => AddLocalServers(builder, postgresPassword, rabbitPassword),
        };
    }

    private static GenerateParameterDefault Generated() => new() { MinLength = 32, Special = false };

    private static InfrastructureMode ResolveMode(IDistributedApplicationBuilder builder)
    {
        var configured = builder.Configuration[ModeKey];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Enum.TryParse<InfrastructureMode>(configured, ignoreCase: true, out var forced)
                ? ForcedMode(forced)
                : throw new InfrastructureUnavailableException($"{ModeKey} must be auto, containers or local; got '{configured}'.");
        }

        return ForcedMode(InfrastructureMode.Auto);

        InfrastructureMode ForcedMode(InfrastructureMode mode)
        {
            var runtime = builder.Configuration["ASPIRE_CONTAINER_RUNTIME"] ?? "docker";
            return mode switch
            {
                InfrastructureMode.Containers => InfrastructureMode.Containers,
                InfrastructureMode.Local => RequireLocalPrograms(containerFallback: false),
                _ when ContainerRuntimeProbe.EngineAnswers(runtime) => InfrastructureMode.Containers,
                _ => RequireLocalPrograms(containerFallback: true),
            };
        }
    }

    private static InfrastructureMode RequireLocalPrograms(bool containerFallback)
    {
        var missing = LocalPrograms.Find().DescribeMissing();
        if (missing is null)
        {
            return InfrastructureMode.Local;
        }

        var reason = containerFallback ? "No container engine answered (docker info failed), so Certctl runs Postgres and RabbitMQ locally, but " : string.Empty;
        throw new InfrastructureUnavailableException(
            $"{reason}these programs are missing:{Environment.NewLine}{missing}{Environment.NewLine}" +
            "Install them (./run.sh does it for you), or start a container engine.");
    }

    private static CertctlInfrastructure AddContainers(
        IDistributedApplicationBuilder builder, IResourceBuilder<ParameterResource> postgresPassword, IResourceBuilder<ParameterResource> rabbitPassword)
    {
        var postgres = builder.AddPostgres("postgres", password: postgresPassword)
            .WithDataVolume("certctl-postgres-data")
            .WithArgs("-c", "max_connections=500");
        var database = postgres.AddDatabase(DatabaseName);

        var rabbitUser = builder.AddParameter("rabbitmq-user", RabbitMqUser);
        var rabbit = builder.AddRabbitMQ("rabbitmq", rabbitUser, rabbitPassword)
            .WithManagementPlugin()
            .WithDataVolume("certctl-rabbitmq-data");

        return new CertctlInfrastructure(database, database, rabbit, InfrastructureMode.Containers);
    }

    private static CertctlInfrastructure AddLocalServers(
        IDistributedApplicationBuilder builder, IResourceBuilder<ParameterResource> postgresPassword, IResourceBuilder<ParameterResource> rabbitPassword)
    {
        var programs = LocalPrograms.Find();
        var dataDirectory = Path.GetFullPath(builder.Configuration[DataDirectoryKey] ?? Path.Combine(builder.AppHostDirectory, "..", ".certctl"));
        var scripts = Path.Combine(builder.AppHostDirectory, "LocalInfrastructure");
        Directory.CreateDirectory(dataDirectory);

        var postgres = builder.AddResource(new LocalPostgresResource("postgres", Path.Combine(scripts, "postgres.sh"), dataDirectory, FreePort.Next(), postgresPassword.Resource, DatabaseName));
        postgres
            .WithArgs(postgres.Resource.Script)
            .WithEnvironment("CERTCTL_PG_BIN_DIR", programs.PostgresBinDirectory!)
            .WithEnvironment("CERTCTL_PG_BASE_DIR", Path.Combine(dataDirectory, "postgres"))
            .WithEnvironment("CERTCTL_PG_PORT", postgres.Resource.Port.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEnvironment("CERTCTL_PG_PASSWORD", postgresPassword)
            .WithEnvironment("CERTCTL_PG_EPHEMERAL", builder.Configuration["CERTCTL_PG_EPHEMERAL"] ?? "0")
            .WithEndpoint(port: postgres.Resource.Port, targetPort: postgres.Resource.Port, scheme: "tcp", name: "tcp", isProxied: false)
            .WithReadinessCheck(builder, "postgres_ready", () => new PostgresReadyCheck(postgres.Resource));

        var amqpPort = FreePort.Next();
        var managementPort = FreePort.Next();
        var rabbit = builder.AddResource(new LocalRabbitMqResource("rabbitmq", dataDirectory, amqpPort, RabbitMqUser, rabbitPassword.Resource));
        rabbit
            .WithArgs(Path.Combine(scripts, "rabbitmq.sh"))
            .WithEnvironment("CERTCTL_RABBITMQ_SERVER", programs.RabbitMqServer!)
            .WithEnvironment("CERTCTL_RABBITMQ_BASE_DIR", Path.Combine(dataDirectory, "rabbitmq"))
            .WithEnvironment("CERTCTL_RABBITMQ_NODE", $"certctl-{ShortHash(dataDirectory)}@localhost")
            .WithEnvironment("CERTCTL_RABBITMQ_PORT", amqpPort.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEnvironment("CERTCTL_RABBITMQ_DIST_PORT", FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEnvironment("CERTCTL_RABBITMQ_EPMD_PORT", FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEnvironment("CERTCTL_RABBITMQ_MANAGEMENT_PORT", managementPort.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEnvironment("CERTCTL_RABBITMQ_USER", RabbitMqUser)
            .WithEnvironment("CERTCTL_RABBITMQ_PASSWORD", rabbitPassword)
            .WithEndpoint(port: amqpPort, targetPort: amqpPort, scheme: "amqp", name: "tcp", isProxied: false)
            .WithHttpEndpoint(port: managementPort, targetPort: managementPort, name: "management", isProxied: false)
            .WithReadinessCheck(builder, "rabbitmq_ready", () => new RabbitMqReadyCheck(rabbit.Resource));

        return new CertctlInfrastructure(postgres, postgres, rabbit, InfrastructureMode.Local);
    }

    private static IResourceBuilder<T> WithReadinessCheck<T>(this IResourceBuilder<T> resource, IDistributedApplicationBuilder builder, string key, Func<IHealthCheck> create)
        where T : IResource
    {
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(key, _ => create(), failureStatus: null, tags: null, timeout: TimeSpan.FromSeconds(5)));
        return resource.WithHealthCheck(key);
    }

    // Two suites (a developer's and the tests') each get their own Erlang node name.
    private static string ShortHash(string value) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(value)))[..8];
}
