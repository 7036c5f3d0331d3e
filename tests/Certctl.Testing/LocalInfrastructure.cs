using System.Globalization;

namespace Certctl.Testing;

/// <summary>
/// Starts the locally installed Postgres and RabbitMQ with the AppHost's own wrapper scripts, in a fresh folder
/// under /tmp, on free loopback ports, and stops them when the test process exits.
/// </summary>
internal static class LocalInfrastructure
{
    // Generous: a busy two-core machine starting both servers while the tests build.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private const string RabbitMqUser = "certctl";

    // A free port is free when asked for, not when the server binds it: an outgoing connection of another test process may take it
    // as its local port in between (both come from the kernel's ephemeral range). A start that lost its port is tried again on new ones.
    private const int StartAttempts = 3;
    private static readonly string[] PortTakenMarks = ["Address already in use", "eaddrinuse"];

    public static async Task<TestInfrastructure> StartAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync();
            }
            catch (InfrastructureUnavailableException exception) when (attempt < StartAttempts && LostItsPort(exception))
            {
                await Console.Error.WriteLineAsync($"certctl tests: a server lost its port to another process (attempt {attempt}); starting again on new ports");
            }
        }
    }

    private static bool LostItsPort(InfrastructureUnavailableException exception) =>
        PortTakenMarks.Any(mark => exception.Message.Contains(mark, StringComparison.OrdinalIgnoreCase));

    private static async Task<TestInfrastructure> StartOnceAsync()
    {
        var programs = LocalServerPrograms.Require();
        var scripts = Path.Combine(RepositoryRoot.Find(), "Certctl.AppHost", "LocalInfrastructure");
        TestDataFolder.RemoveAbandoned();
        var folder = TestDataFolder.Create();

        var password = TestNames.Secret();
        var parentPid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var ports = FreePort.Many(5);
        var (postgresPort, amqpPort, distPort, epmdPort, managementPort) = (ports[0], ports[1], ports[2], ports[3], ports[4]);

        var postgres = LocalServerProcess.Start("PostgreSQL", Path.Combine(scripts, "postgres.sh"), Path.Combine(folder, "postgres.log"), new Dictionary<string, string>
        {
            ["CERTCTL_PG_BIN_DIR"] = programs.PostgresBinDirectory,
            ["CERTCTL_PG_BASE_DIR"] = Path.Combine(folder, "postgres"),
            ["CERTCTL_PG_PORT"] = Text(postgresPort),
            ["CERTCTL_PG_PASSWORD"] = password,
            ["CERTCTL_PG_MAX_CONNECTIONS"] = "300",
            ["CERTCTL_PG_EPHEMERAL"] = "1",
            ["CERTCTL_PARENT_PID"] = parentPid,
        });
        var rabbit = LocalServerProcess.Start("RabbitMQ", Path.Combine(scripts, "rabbitmq.sh"), Path.Combine(folder, "rabbitmq.log"), new Dictionary<string, string>
        {
            ["CERTCTL_RABBITMQ_SERVER"] = programs.RabbitMqServer,
            ["CERTCTL_RABBITMQ_BASE_DIR"] = Path.Combine(folder, "rabbitmq"),
            ["CERTCTL_RABBITMQ_NODE"] = $"certctl-test-{TestNames.RandomHex()}@localhost",
            ["CERTCTL_RABBITMQ_PORT"] = Text(amqpPort),
            ["CERTCTL_RABBITMQ_DIST_PORT"] = Text(distPort),
            ["CERTCTL_RABBITMQ_EPMD_PORT"] = Text(epmdPort),
            ["CERTCTL_RABBITMQ_MANAGEMENT_PORT"] = Text(managementPort),
            ["CERTCTL_RABBITMQ_USER"] = RabbitMqUser,
            ["CERTCTL_RABBITMQ_PASSWORD"] = password,
            ["CERTCTL_PARENT_PID"] = parentPid,
        });
        var servers = new RunningLocalServers(folder, postgres, rabbit);
        // Normally stopped after the last test (CertctlTestFramework); this covers runners without that hook.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => servers.Stop();

        var connectionString = $"Host=127.0.0.1;Port={Text(postgresPort)};Username=postgres;Password={password};Database=postgres";
        var broker = new RabbitMqBroker("127.0.0.1", amqpPort, RabbitMqUser, password, new Uri($"http://127.0.0.1:{Text(managementPort)}/"));
        var ready = Task.WhenAll(
            ServerReadiness.WaitAsync("PostgreSQL", token => ServerReadiness.PostgresAnswersAsync(connectionString, token), StartTimeout, postgres),
            ServerReadiness.WaitAsync("RabbitMQ", token => ServerReadiness.RabbitMqAnswersAsync(broker, token), StartTimeout, rabbit));
        try
        {
            await ready;
        }
        catch (InfrastructureUnavailableException) when (ready.Exception is { InnerExceptions.Count: > 1 } both)
        {
            servers.Stop();
            throw new InfrastructureUnavailableException(
                string.Join(Environment.NewLine + Environment.NewLine, both.InnerExceptions.Select(e => e.Message)), both);
        }
        catch
        {
            servers.Stop();
            throw;
        }

        return new TestInfrastructure(InfrastructureMode.Local, connectionString, broker, () => Task.Run(servers.Stop));
    }

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);
}
