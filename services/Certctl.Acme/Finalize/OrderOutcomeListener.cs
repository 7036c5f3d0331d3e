using Npgsql;

namespace Certctl.Acme.Finalize;

/// <summary>
/// Listens on the Postgres channel <see cref="Channel"/>, where <see cref="IssuanceOutcomeConsumer"/> notifies the id of every order it
/// moved on, and signals this replica's waiting finalize requests (<see cref="OrderOutcomeSignals"/>). Every replica listens, so a
/// finalize is answered at once whichever replica consumed the outcome. While the connection is down, waiters simply time out and
/// answer <c>processing</c>, as without a wait.
/// </summary>
public sealed partial class OrderOutcomeListener(NpgsqlDataSource db, OrderOutcomeSignals signals, ILogger<OrderOutcomeListener> logger)
    : BackgroundService
{
    /// <summary>The notification channel; its payload is the order's new status, a space and the order's id (<see cref="Payload"/>).</summary>
    public const string Channel = "acme_order_outcome";

    /// <summary>The SQL expression of a notification's payload, from an order row's <c>status</c> and <c>id</c>.</summary>
    public const string Payload = "status || ' ' || id";

    /// <summary>The order id and status of a payload; null for one this version does not read.</summary>
    public static (string OrderId, string Status)? Parse(string payload)
    {
        var space = payload.IndexOf(' ', StringComparison.Ordinal);
        return space > 0 && space < payload.Length - 1 ? (payload[(space + 1)..], payload[..space]) : null;
    }

    private static readonly TimeSpan Reconnect = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(stoppingToken);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                LogListenFailed(logger, exception, Reconnect.TotalSeconds);
                await Task.Delay(Reconnect, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        await using var connection = await db.OpenConnectionAsync(stoppingToken);
        connection.Notification += (_, notification) =>
        {
            if (Parse(notification.Payload) is var (orderId, status))
            {
                signals.Signal(orderId, status);
            }
        };
        await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
        {
            await listen.ExecuteNonQueryAsync(stoppingToken);
        }

        try
        {
            while (true)
            {
                await connection.WaitAsync(stoppingToken);
            }
        }
        finally
        {
            // The connection goes back to the pool (which does not reset it): it must not keep listening there.
            if (connection.State == System.Data.ConnectionState.Open)
            {
                await using var unlisten = new NpgsqlCommand($"UNLISTEN {Channel}", connection);
                await ((Task)unlisten.ExecuteNonQueryAsync(CancellationToken.None)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Listening for ACME order outcomes failed; finalize answers 'processing' until it listens again in {Seconds} s")]
    private static partial void LogListenFailed(ILogger logger, Exception exception, double seconds);
}
