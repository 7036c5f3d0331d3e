using System.Diagnostics;
using Npgsql;
using RabbitMQ.Client;

namespace Certctl.Testing;

/// <summary>Waits until a freshly started server accepts authenticated clients.</summary>
internal static class ServerReadiness
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>Ready when a connection with the password succeeds and answers a query (the script sets the password once up).</summary>
    public static async Task PostgresAnswersAsync(string connectionString, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Timeout = 3 };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        await command.ExecuteScalarAsync(cancellationToken);
    }

    /// <summary>Ready when an AMQP connection with the broker's credentials succeeds and the management API answers.</summary>
    public static async Task RabbitMqAnswersAsync(RabbitMqBroker broker, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory
        {
            HostName = broker.Host,
            Port = broker.AmqpPort,
            UserName = broker.User,
            Password = broker.Password,
            RequestedConnectionTimeout = TimeSpan.FromSeconds(3),
            AutomaticRecoveryEnabled = false,
        };
        await using (var connection = await factory.CreateConnectionAsync(cancellationToken))
        {
            await connection.CloseAsync(cancellationToken);
        }

        // Virtual hosts are made through the management API, so the tests need it too.
        await broker.Management.OverviewAsync(cancellationToken);
    }

    /// <summary>
    /// Polls <paramref name="probe"/> until it succeeds, for at most <paramref name="timeout"/>. With a local
    /// <paramref name="server"/>, gives up as soon as its script ends, and either failure carries the tail of its log.
    /// </summary>
    public static async Task WaitAsync(string what, Func<CancellationToken, Task> probe, TimeSpan timeout, LocalServerProcess? server = null)
    {
        var clock = Stopwatch.StartNew();
        Exception? lastError = null;
        while (clock.Elapsed < timeout)
        {
            if (server is { HasExited: true })
            {
                throw new InfrastructureUnavailableException($"{what} stopped before it was ready. {server.Describe()}", lastError);
            }

            using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await probe(attempt.Token);
                return;
            }
            catch (Exception exception)
            {
                lastError = exception; // not up yet; reported if it never comes up
            }

            await Task.Delay(PollInterval);
        }

        throw new InfrastructureUnavailableException(
            $"{what} was not ready after {timeout.TotalSeconds:0} s (last error: {lastError?.Message}). {server?.Describe()}", lastError);
    }
}
