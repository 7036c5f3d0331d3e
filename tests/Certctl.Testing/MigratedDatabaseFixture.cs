using Certctl.Migrations;
using Microsoft.Extensions.Logging.Abstractions;

namespace Certctl.Testing;

/// <summary>Class fixture: the class's own database with the Certctl schema and the demo seed applied by <see cref="DatabaseMigrator"/>.</summary>
public class MigratedDatabaseFixture<TTestClass> : PostgresDatabaseFixture<TTestClass>
{
    /// <summary>What the migration run did.</summary>
    public MigrationResult Migration { get; private set; } = new([], []);

    /// <inheritdoc />
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        // DbUp is synchronous; keep it off xunit's synchronization context.
        Migration = await Task.Run(() => DatabaseMigrator.Migrate(ConnectionString, applyDemoSeed: true, NullLogger.Instance));
    }
}
