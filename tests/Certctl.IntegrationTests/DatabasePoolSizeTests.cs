using Certctl.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Certctl.IntegrationTests;

/// <summary><c>CERTCTL_DATABASE_MAX_CONNS</c> really sizes the pool of the shared data source (the original parsed it and ignored it).</summary>
public sealed class DatabasePoolSizeTests(PostgresDatabaseFixture<DatabasePoolSizeTests> database)
    : IClassFixture<PostgresDatabaseFixture<DatabasePoolSizeTests>>
{
    [Fact]
    public async Task The_pool_holds_at_most_the_configured_number_of_connections()
    {
        // Timeout is how long an open waits for a free pooled connection: short, so exhaustion shows quickly.
        var connectionString = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Timeout = 2 }.ConnectionString;
        using var host = BuildHost(connectionString, maxConnections: "3");
        var dataSource = host.Services.GetRequiredService<NpgsqlDataSource>();
        Assert.Equal(3, new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).MaxPoolSize);

        var held = new List<NpgsqlConnection>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                held.Add(await dataSource.OpenConnectionAsync());
            }

            var exhausted = await Assert.ThrowsAsync<NpgsqlException>(async () => await dataSource.OpenConnectionAsync());
            Assert.Contains("pool has been exhausted", exhausted.Message, StringComparison.Ordinal);

            // Returning one makes room again.
            await held[0].DisposeAsync();
            held[0] = await dataSource.OpenConnectionAsync();
        }
        finally
        {
            foreach (var connection in held)
            {
                await connection.DisposeAsync();
            }
        }
    }

    [Theory]
    [InlineData("0")]
    [InlineData("abc")]
    [InlineData("-5")]
    [InlineData("10001")]
    public void An_invalid_value_stops_the_service_with_a_clear_message(string maxConnections)
    {
        var refused = Assert.Throws<InvalidOperationException>(() => BuildHost(database.ConnectionString, maxConnections));

        Assert.Contains(DatabaseDefaults.MaxConnectionsVariable, refused.Message, StringComparison.Ordinal);
        Assert.Contains($"'{maxConnections}'", refused.Message, StringComparison.Ordinal);
    }

    private static IHost BuildHost(string connectionString, string maxConnections)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{DatabaseDefaults.ConnectionName}"] = connectionString,
            [DatabaseDefaults.MaxConnectionsVariable] = maxConnections,
        });
        builder.AddCertctlDatabase();
        return builder.Build();
    }
}
