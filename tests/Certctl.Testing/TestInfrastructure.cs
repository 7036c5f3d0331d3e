using Npgsql;

namespace Certctl.Testing;

/// <summary>The one Postgres server and one RabbitMQ broker the test process shares; each test class makes its own database and virtual host on them.</summary>
public sealed class TestInfrastructure
{
    private readonly Func<Task> _stop;

    internal TestInfrastructure(InfrastructureMode mode, string postgresConnectionString, RabbitMqBroker rabbitMq, Func<Task> stop)
    {
        _stop = stop;
        Mode = mode;
        PostgresConnectionString = postgresConnectionString;
        RabbitMq = rabbitMq;
    }

    /// <summary>Containers or the local servers (never Auto: the choice is made).</summary>
    public InfrastructureMode Mode { get; }

    /// <summary>Superuser connection string to the maintenance database <c>postgres</c>.</summary>
    public string PostgresConnectionString { get; }

    /// <summary>The broker.</summary>
    public RabbitMqBroker RabbitMq { get; }

    /// <summary>The superuser connection string for another database on the same server.</summary>
    public string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(PostgresConnectionString) { Database = database }.ConnectionString;

    /// <summary>Stops both servers (idempotent); called once every test has run.</summary>
    internal Task StopAsync() => _stop();
}
