using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Certctl.ServiceDefaults;

/// <summary>The shared Postgres registration: one <see cref="NpgsqlDataSource"/> per service, pool sized by configuration.</summary>
public static class DatabaseDefaults
{
    /// <summary>The connection name every service reads (<c>ConnectionStrings:certctl</c>).</summary>
    public const string ConnectionName = "certctl";

    /// <summary>Environment variable that sizes each service's connection pool.</summary>
    public const string MaxConnectionsVariable = "CERTCTL_DATABASE_MAX_CONNS";

    /// <summary>Pool size when <see cref="MaxConnectionsVariable"/> is unset.</summary>
    public const int DefaultMaxConnections = 50;

    /// <summary>
    /// Registers the Certctl data source with tracing, metrics and a readiness health check.
    /// <c>CERTCTL_DATABASE_MAX_CONNS</c> really sets the pool (the original parsed it and ignored it).
    /// </summary>
    public static TBuilder AddCertctlDatabase<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var maxConnections = ReadMaxConnections(builder.Configuration);
        builder.AddNpgsqlDataSource(ConnectionName, settings =>
        {
            if (string.IsNullOrWhiteSpace(settings.ConnectionString))
            {
                throw new InvalidOperationException(
                    $"ConnectionStrings:{ConnectionName} is not set. Start the suite through Certctl.AppHost, or set ConnectionStrings__{ConnectionName}.");
            }

            settings.ConnectionString = ApplyPoolSize(settings.ConnectionString, maxConnections);
        });
        return builder;
    }

    /// <summary>Reads and validates <c>CERTCTL_DATABASE_MAX_CONNS</c>; an invalid value stops the service with a clear message.</summary>
    public static int ReadMaxConnections(IConfiguration configuration)
    {
        var raw = configuration[MaxConnectionsVariable];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return DefaultMaxConnections;
        }

        if (!int.TryParse(raw, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) || value < 1 || value > 10_000)
        {
            throw new InvalidOperationException($"{MaxConnectionsVariable} must be a whole number from 1 to 10000; got '{raw}'.");
        }

        return value;
    }

    /// <summary>Returns the connection string with the pool's maximum set (and the minimum kept at or below it).</summary>
    public static string ApplyPoolSize(string connectionString, int maxConnections)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = maxConnections };
        if (builder.MinPoolSize > maxConnections)
        {
            builder.MinPoolSize = maxConnections;
        }

        return builder.ConnectionString;
    }
}
