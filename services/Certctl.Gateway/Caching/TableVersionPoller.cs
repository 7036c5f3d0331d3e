using System.Globalization;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Certctl.Gateway.Caching;

/// <summary>
/// Reads the <see cref="ListVersion"/> of every journaled table every <see cref="ListETagCacheOptions.RefreshMilliseconds"/>
/// (one statement, two index probes per table) and publishes it to <see cref="ListETagCache"/>. When the database is away the
/// published versions age past the staleness bound and the cache stops answering: tags are then read (and fail) as without it.
/// It polls only while lists are requested (<see cref="ListETagCache.IdleAfter"/>): an idle suite does not read fifty times a second.
/// </summary>
public sealed partial class TableVersionPoller(
    NpgsqlDataSource dataSource, ListETagCache cache, IOptions<ListETagCacheOptions> options, TimeProvider time,
    ILogger<TableVersionPoller> logger) : BackgroundService
{
    private static readonly string Sql = string.Join("\nUNION ALL\n", ChangeJournalPruner.Tables.Select(table => string.Create(CultureInfo.InvariantCulture, $"""
        SELECT tv.table_name, {ListETag.WholeTableVersion(table, "tv")}, tv.version
        FROM table_versions tv WHERE tv.table_name = '{table}'
        """))).Insert(0, "WITH certctl_snapshot AS MATERIALIZED (SELECT list_journal_xmin() AS xmin)\n");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!cache.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.Value.RefreshMilliseconds), time);
        var failing = false;
        do
        {
            try
            {
                await PollAsync(stoppingToken);
                if (failing)
                {
                    LogPollRecovered(logger);
                    failing = false;
                }
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                // Once per outage, not fifty times a second.
                if (!failing)
                {
                    LogPollFailed(logger, exception);
                    failing = true;
                }
            }
        }
        while (await NextPollAsync(timer, stoppingToken));
    }

    private async Task<bool> NextPollAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        if (!await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            return false;
        }

        // Fifty reads a second are worth it only while lists are requested. Asleep, the published versions age past the staleness
        // bound, so the first request after a quiet spell reads its tag from the journal (as without the cache) and wakes the poll.
        if (cache.Idle)
        {
            await cache.WaitForDemandAsync(stoppingToken);
        }

        return true;
    }

    /// <summary>One read of every table's version, published to the cache.</summary>
    public async Task PollAsync(CancellationToken cancellationToken)
    {
        // Taken before the statement, so the snapshot is no older than this: the staleness bound counts from here.
        var startedAt = time.GetTimestamp();
        var versions = new Dictionary<string, ListVersion>(StringComparer.Ordinal);
        await using (var command = dataSource.CreateCommand(Sql))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                versions[reader.GetString(0)] = new ListVersion(reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
            }
        }

        cache.Publish(versions, startedAt);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the list tables' versions failed; list tags are read from the journal until it works again")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reading the list tables' versions works again; cached list tags are used again")]
    private static partial void LogPollRecovered(ILogger logger);
}
