using Npgsql;
using Testcontainers.PostgreSql;
using Testcontainers.RabbitMq;

namespace Certctl.Testing;

/// <summary>Starts Postgres and RabbitMQ (with its management plugin) as containers; Testcontainers' reaper removes them after a killed run.</summary>
internal static class ContainerInfrastructure
{
    private const string PostgresImage = "postgres:17-alpine";
    private const string RabbitMqImage = "rabbitmq:3.13-management";
    private const ushort ManagementPort = 15672;
    private const string RabbitMqUser = "certctl";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    public static async Task<TestInfrastructure> StartAsync()
    {
        var password = TestNames.Secret();
        PostgreSqlContainer postgres;
        RabbitMqContainer rabbit;
        try
        {
            // Build() already fails (DockerUnavailableException) when no Docker endpoint answers.
            postgres = new PostgreSqlBuilder(PostgresImage)
                .WithDatabase("postgres")
                .WithUsername("postgres")
                .WithPassword(password)
                .Build();
            rabbit = new RabbitMqBuilder(RabbitMqImage)
                .WithUsername(RabbitMqUser)
                .WithPassword(password)
                .WithPortBinding(ManagementPort, assignRandomHostPort: true)
                .Build();
        }
        catch (Exception exception)
        {
            throw Unavailable(exception);
        }

        var stopped = 0;
        Task StopAsync() => Interlocked.Exchange(ref stopped, 1) == 1
            ? Task.CompletedTask
            : Task.WhenAll(postgres.DisposeAsync().AsTask(), rabbit.DisposeAsync().AsTask());
        // Normally stopped after the last test (CertctlTestFramework); this covers runners without that hook.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAsync().Wait(TimeSpan.FromSeconds(20));

        try
        {
            using var timeout = new CancellationTokenSource(StartTimeout);
            await Task.WhenAll(postgres.StartAsync(timeout.Token), rabbit.StartAsync(timeout.Token));
        }
        catch (Exception exception)
        {
            await StopAsync();
            throw Unavailable(exception);
        }

        var connectionString = new NpgsqlConnectionStringBuilder(postgres.GetConnectionString()) { Database = "postgres" }.ConnectionString;
        var broker = new RabbitMqBroker(
            rabbit.Hostname,
            rabbit.GetMappedPublicPort(RabbitMqBuilder.RabbitMqPort),
            RabbitMqUser,
            password,
            new Uri($"http://{rabbit.Hostname}:{rabbit.GetMappedPublicPort(ManagementPort)}/"));

        // The containers' wait strategies cover the listeners; the management API may answer a moment later.
        await ServerReadiness.WaitAsync("PostgreSQL container", token => ServerReadiness.PostgresAnswersAsync(connectionString, token), StartTimeout);
        await ServerReadiness.WaitAsync("RabbitMQ container", token => ServerReadiness.RabbitMqAnswersAsync(broker, token), StartTimeout);
        return new TestInfrastructure(InfrastructureMode.Containers, connectionString, broker, StopAsync);
    }

    private static InfrastructureUnavailableException Unavailable(Exception exception) => new(
        $"{SharedInfrastructure.ModeVariable} chose containers, but the Postgres ({PostgresImage}) or RabbitMQ ({RabbitMqImage}) container " +
        $"could not be started: {exception.Message} Start the container engine, or set {SharedInfrastructure.ModeVariable}=local.",
        exception);
}
