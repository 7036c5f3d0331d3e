using Npgsql;

namespace Certctl.Testing;

/// <summary>An empty database of its own on the shared Postgres server, dropped (with its sessions) on dispose.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly TestInfrastructure _infrastructure;

    private TestDatabase(TestInfrastructure infrastructure, string name)
    {
        _infrastructure = infrastructure;
        Name = name;
        ConnectionString = infrastructure.ConnectionStringFor(name);
    }

    /// <summary>The database name, <c>test_&lt;owner&gt;_&lt;random&gt;</c>.</summary>
    public string Name { get; }

    /// <summary>Superuser connection string to this database.</summary>
    public string ConnectionString { get; }

    /// <summary>Creates a new empty database named after <paramref name="owner"/> (usually the test class).</summary>
    public static async Task<TestDatabase> CreateAsync(string owner, CancellationToken cancellationToken = default)
    {
        var infrastructure = await SharedInfrastructure.GetAsync();
        var database = new TestDatabase(infrastructure, TestNames.ForOwner(owner));
        // The name is [a-z0-9_] only (TestNames), so it can stand in the statement as it is.
        await database.ExecuteOnServerAsync($"CREATE DATABASE {database.Name}", cancellationToken);
        return database;
    }

    /// <summary>Drops the database, ending any session still connected to it.</summary>
    public async ValueTask DisposeAsync() =>
        await ExecuteOnServerAsync($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", CancellationToken.None);

    private async Task ExecuteOnServerAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(_infrastructure.PostgresConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
