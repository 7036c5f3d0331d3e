using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Certctl.Scheduler.Tests;

/// <summary>A data source and a fake clock near the real time for one test class's migrated database.</summary>
internal sealed class Database : IAsyncDisposable
{
    public Database(string connectionString)
    {
        // Postgres keeps microseconds; start on a whole millisecond so times read back compare equal.
        var now = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Clock = new FakeTimeProvider(now);
        DataSource = NpgsqlDataSource.Create(connectionString);
        Rows = new Rows(connectionString, now);
    }

    public FakeTimeProvider Clock { get; }

    public NpgsqlDataSource DataSource { get; }

    public Rows Rows { get; }

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
