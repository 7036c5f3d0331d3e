using Certctl.Contracts;
using Certctl.Domain;
using Certctl.Scheduler.Loops;
using MassTransit;
using Npgsql;

namespace Certctl.Scheduler.Revocation;

/// <summary>
/// Re-sends <see cref="RevokeCertificate"/> for revocations whose issuer is still not notified a minute after they were recorded (the
/// gateway's message was lost, or the connector's retries were spent), while the row's budget
/// (<see cref="IssuerNotification.MaxAttempts"/>) lasts. The connector is idempotent by (issuer, serial), so a duplicate costs a read.
/// </summary>
public sealed class RevocationNotifySweep(NpgsqlDataSource dataSource, IBus publisher, TimeProvider timeProvider) : ILoopWork
{
    public const string LoopName = "revocation-notify-sweep";

    /// <summary>Most rows re-sent per run; the oldest first, the rest next run.</summary>
    public const int BatchSize = 1000;

    private const string Sql = """
        SELECT certificate_id, issuer_id, serial_number, reason, revoked_by
        FROM certificate_revocations
        WHERE NOT issuer_notified AND created_at < @cutoff AND notify_attempts < @max_attempts
        ORDER BY created_at
        LIMIT @batch
        """;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var commands = new List<RevokeCertificate>();
        await using (var command = dataSource.CreateCommand(Sql))
        {
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("cutoff", now - IssuerNotification.SweepAfter));
            command.Parameters.Add(new NpgsqlParameter<int>("max_attempts", IssuerNotification.MaxAttempts));
            command.Parameters.Add(new NpgsqlParameter<int>("batch", BatchSize));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                commands.Add(new RevokeCertificate(reader.GetString(0), reader.GetString(1), reader.GetString(2),
                    WireNames<RevocationReason>.Parse(reader.GetString(3)), reader.GetString(4), now));
            }
        }

        if (commands.Count > 0)
        {
            await publisher.PublishBatch(commands, cancellationToken);
        }

        return commands.Count;
    }
}
