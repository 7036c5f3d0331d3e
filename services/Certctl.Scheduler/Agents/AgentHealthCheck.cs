using Certctl.Contracts;
using Certctl.Scheduler.Loops;
using Certctl.Scheduler.Options;
using MassTransit;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Certctl.Scheduler.Agents;

/// <summary>
/// Marks agents Offline that missed two heartbeat intervals (never-heard-from agents count from registration) and publishes
/// <see cref="AgentWentOffline"/> for each. Retired agents are left alone.
/// </summary>
/// <remarks>The update re-checks the status under the row lock, so two replicas never both report the same agent.</remarks>
public sealed class AgentHealthCheck(NpgsqlDataSource dataSource, IBus publisher, TimeProvider timeProvider, IOptions<SchedulerOptions> options)
    : ILoopWork
{
    public const string LoopName = "agent-health";

    private const string Sql = """
        UPDATE agents SET status = 'Offline', updated_at = @now
        WHERE retired_at IS NULL AND status <> 'Offline'
          AND COALESCE(last_heartbeat_at, registered_at) < @stale_before
        RETURNING id, last_heartbeat_at
        """;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var events = new List<AgentWentOffline>();
        await using (var command = dataSource.CreateCommand(Sql))
        {
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("stale_before", now - (2 * options.Value.AgentHeartbeat)));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                events.Add(new AgentWentOffline(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1), now));
            }
        }

        foreach (var offline in events)
        {
            await publisher.Publish(offline, CancellationToken.None);
        }

        return events.Count;
    }
}
