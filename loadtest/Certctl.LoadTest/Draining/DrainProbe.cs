using Certctl.LoadTest.Seeding;
using Npgsql;

namespace Certctl.LoadTest.Draining;

/// <summary>Runs the drain's read-only statements on one open connection.</summary>
public sealed class DrainProbe(NpgsqlConnection connection, SeedFixture fixture)
{
    private const int CommandTimeoutSeconds = 60;

    /// <summary>
    /// A connection string for the probe: the given one, with every transaction read-only (Postgres refuses any write), so
    /// the drain can only watch.
    /// </summary>
    public static NpgsqlConnectionStringBuilder ReadOnly(NpgsqlConnectionStringBuilder database)
    {
        var probe = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        probe.Options = string.IsNullOrWhiteSpace(probe.Options) ? ReadOnlyOption : $"{probe.Options} {ReadOnlyOption}";
        probe.ApplicationName ??= "certctl-loadtest-drain";
        return probe;
    }

    /// <summary>The server option that makes every transaction of the session read-only.</summary>
    public const string ReadOnlyOption = "-c default_transaction_read_only=on";

    /// <summary>The database's clock: the drain's start, comparable with the jobs' <c>created_at</c>.</summary>
    public async Task<DateTimeOffset> ClockAsync(CancellationToken cancellationToken)
    {
        await using var command = Command(DrainSql.Clock());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return reader.GetFieldValue<DateTimeOffset>(0);
    }

    public async Task<DrainProgress> ProgressAsync(DateTimeOffset start, CancellationToken cancellationToken)
    {
        await using var command = Command(DrainSql.Progress(fixture, start));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new DrainProgress(
            reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4),
            reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5));
    }

    public async Task<JobLatency?> LatencyAsync(DateTimeOffset start, CancellationToken cancellationToken)
    {
        await using var command = Command(DrainSql.Latency(fixture, start));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        if (reader.IsDBNull(0))
        {
            return null;
        }

        var percentiles = reader.GetFieldValue<double[]>(0);
        return new JobLatency(percentiles[0], percentiles[1], percentiles[2], reader.GetDouble(1));
    }

    public async Task<SteadyWindow?> SteadiestWindowAsync(DateTimeOffset start, CancellationToken cancellationToken)
    {
        await using var command = Command(DrainSql.SteadiestWindow(fixture, start));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new SteadyWindow(DrainSql.WindowSeconds, reader.GetInt32(0), reader.GetInt64(1))
            : null;
    }

    private NpgsqlCommand Command(SeedStatement statement)
    {
        var command = new NpgsqlCommand(statement.Sql, connection) { CommandTimeout = CommandTimeoutSeconds };
        foreach (var (name, value) in statement.Parameters)
        {
            command.Parameters.Add(new NpgsqlParameter(name, value));
        }

        return command;
    }
}
