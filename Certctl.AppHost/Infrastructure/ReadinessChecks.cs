using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using RabbitMQ.Client;

namespace Certctl.AppHost.Infrastructure;

/// <summary>Healthy when the local Postgres server accepts an authenticated connection and answers a query.</summary>
internal sealed class PostgresReadyCheck(LocalPostgresResource resource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var connectionString = await resource.MaintenanceConnectionString.GetValueAsync(cancellationToken);
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL is not accepting connections yet.", exception);
        }
    }
}

/// <summary>Healthy when the local broker accepts an AMQP connection with Certctl's credentials.</summary>
internal sealed class RabbitMqReadyCheck(LocalRabbitMqResource resource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var uri = await resource.ConnectionStringExpression.GetValueAsync(cancellationToken);
            var factory = new ConnectionFactory { Uri = new Uri(uri!), RequestedConnectionTimeout = TimeSpan.FromSeconds(3) };
            await using var connection = await factory.CreateConnectionAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception exception) when (exception is RabbitMQ.Client.Exceptions.BrokerUnreachableException or IOException or TimeoutException or OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("RabbitMQ is not accepting connections yet.", exception);
        }
    }
}
