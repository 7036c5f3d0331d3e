using Certctl.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Certctl.IntegrationTests;

/// <summary>
/// <c>AddCertctlDatabase(genericPlans: true)</c> (the CA connector) plans each prepared statement once; other services keep
/// Postgres's choice; a connection string that names its own <c>Options</c> keeps them.
/// </summary>
public sealed class DatabasePlanModeTests(PostgresDatabaseFixture<DatabasePlanModeTests> database)
    : IClassFixture<PostgresDatabaseFixture<DatabasePlanModeTests>>
{
    [Theory]
    [InlineData(true, "force_generic_plan")]
    [InlineData(false, "auto")]
    public async Task The_sessions_plan_mode_follows_the_registration(bool genericPlans, string expected)
    {
        using var host = BuildHost(database.ConnectionString, genericPlans);

        Assert.Equal(expected, await ShowAsync(host, "plan_cache_mode"));
        Assert.Equal("off", await ShowAsync(host, "jit"));
    }

    [Fact]
    public async Task Options_named_by_the_connection_string_are_kept()
    {
        var connectionString = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Options = "-c jit=on" }.ConnectionString;
        using var host = BuildHost(connectionString, genericPlans: true);

        Assert.Equal("auto", await ShowAsync(host, "plan_cache_mode"));
        Assert.Equal("on", await ShowAsync(host, "jit"));
    }

    private static async Task<string> ShowAsync(IHost host, string setting)
    {
        await using var command = host.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand($"SHOW {setting}");
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static IHost BuildHost(string connectionString, bool genericPlans)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{DatabaseDefaults.ConnectionName}"] = connectionString,
        });
        builder.AddCertctlDatabase(genericPlans);
        return builder.Build();
    }
}
