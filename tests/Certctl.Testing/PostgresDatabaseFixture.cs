using Xunit;

namespace Certctl.Testing;

/// <summary>Class fixture: an empty database of the test class's own, named after <typeparamref name="TTestClass"/>, dropped after the class.</summary>
/// <example><c>public sealed class MyTests(PostgresDatabaseFixture&lt;MyTests&gt; db) : IClassFixture&lt;PostgresDatabaseFixture&lt;MyTests&gt;&gt;</c></example>
public class PostgresDatabaseFixture<TTestClass> : IAsyncLifetime
{
    private TestDatabase? _database;

    /// <summary>The class's database.</summary>
    public TestDatabase Database => _database ?? throw new InvalidOperationException("The database fixture is not initialized yet.");

    /// <summary>Superuser connection string to the class's database.</summary>
    public string ConnectionString => Database.ConnectionString;

    /// <inheritdoc />
    public virtual async Task InitializeAsync() => _database = await TestDatabase.CreateAsync(typeof(TTestClass).Name);

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
