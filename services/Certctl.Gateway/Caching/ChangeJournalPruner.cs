using Microsoft.Extensions.Options;
using Npgsql;

namespace Certctl.Gateway.Caching;

/// <summary>
/// Keeps each list's change journal to its newest <see cref="ChangeJournalOptions.RowsKept"/> rows (<c>prune_list_journal</c>),
/// so computing a tag stays a short walk. Safe on every replica at once: pruning is idempotent and moves the horizon only forward.
/// </summary>
public sealed partial class ChangeJournalPruner(
    NpgsqlDataSource dataSource, IOptions<ChangeJournalOptions> options, TimeProvider time, ILogger<ChangeJournalPruner> logger)
    : BackgroundService
{
    /// <summary>The tables with a journal (migration 0008).</summary>
    public static readonly IReadOnlyList<string> Tables = ["managed_certificates", "jobs", "agents", "audit_events", "discovered_certificates"];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.PruneIntervalSeconds), time);
        do
        {
            try
            {
                await PruneAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
            {
                // The database is away; the journal only grows a little until the next pass.
                LogPruneFailed(logger, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    /// <summary>One pass over every journal; returns the rows removed.</summary>
    public async Task<long> PruneAsync(CancellationToken cancellationToken)
    {
        long removed = 0;
        foreach (var table in Tables)
        {
            await using var command = dataSource.CreateCommand("SELECT prune_list_journal($1, $2)");
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = table });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = options.Value.RowsKept });
            var rows = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
            if (rows > 0)
            {
                LogPruned(logger, table, rows);
            }

            removed += rows;
        }

        return removed;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Pruned {Rows} rows from the change journal of {Table}")]
    private static partial void LogPruned(ILogger logger, string table, long rows);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pruning the list change journals failed; retrying on the next pass")]
    private static partial void LogPruneFailed(ILogger logger, Exception exception);
}
