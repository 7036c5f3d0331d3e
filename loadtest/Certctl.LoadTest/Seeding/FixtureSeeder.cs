using Npgsql;

namespace Certctl.LoadTest.Seeding;

/// <summary>Runs a fixture's statements on one open connection.</summary>
public sealed class FixtureSeeder(NpgsqlConnection connection)
{
    /// <summary>Generous: 100,000 rows with their indexes take seconds, but a busy shared machine is slower.</summary>
    private const int CommandTimeoutSeconds = 600;

    /// <summary>The demo-seed rows the fixtures link to that are missing (empty when all are there).</summary>
    public async Task<IReadOnlyList<string>> MissingReferencesAsync(CancellationToken cancellationToken)
    {
        await using var command = Command(SeedSql.MissingReferences(), null);
        return (string[])(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Inserts the certificates of <paramref name="fixture"/> that are missing; returns how many it inserted.</summary>
    public async Task<int> InsertAsync(SeedFixture fixture, int count, CancellationToken cancellationToken)
    {
        await using var command = Command(SeedSql.Insert(fixture, count), null);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>How many of the fixture's certificates exist and how many of those have an active issuance or renewal job.</summary>
    public async Task<FixtureState> StateAsync(SeedFixture fixture, CancellationToken cancellationToken)
    {
        await using var command = Command(SeedSql.State(fixture), null);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new FixtureState(reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>Deletes the fixture's jobs and the versions a run issued, and undoes what a renewal set on its certificates, in one transaction.</summary>
    public async Task<JobReset> ResetJobsAsync(SeedFixture fixture, int count, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var counts = new List<int>();
        foreach (var statement in SeedSql.ResetJobs(fixture, count))
        {
            await using var command = Command(statement, transaction);
            counts.Add(await command.ExecuteNonQueryAsync(cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return new JobReset(JobsDeleted: counts[2], CertificatesRestored: counts[3], VersionsDeleted: counts[1], CertificatesReissuedRestored: counts[0]);
    }

    /// <summary>Deletes the fixture's certificates (with their jobs); returns how many.</summary>
    public async Task<int> RemoveAsync(SeedFixture fixture, CancellationToken cancellationToken)
    {
        await using var command = Command(SeedSql.Remove(fixture), null);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private NpgsqlCommand Command(SeedStatement statement, NpgsqlTransaction? transaction)
    {
        var command = new NpgsqlCommand(statement.Sql, connection, transaction) { CommandTimeout = CommandTimeoutSeconds };
        foreach (var (name, value) in statement.Parameters)
        {
            command.Parameters.Add(new NpgsqlParameter(name, value));
        }

        return command;
    }
}

/// <summary>How many of a fixture's certificates exist, and how many of them a new renewal would skip (an active job holds them).</summary>
public sealed record FixtureState(long Present, long WithActiveJob);

/// <summary>
/// What a job reset changed: jobs deleted, certificates returned from RenewalInProgress or Failed to their seeded status,
/// versions a run issued deleted, and the certificates they belonged to returned to their seeded status and expiry.
/// </summary>
public sealed record JobReset(int JobsDeleted, int CertificatesRestored, int VersionsDeleted, int CertificatesReissuedRestored);
