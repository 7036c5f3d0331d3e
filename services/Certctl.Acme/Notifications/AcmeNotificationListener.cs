using Certctl.Acme.Accounts;
using Certctl.Acme.Finalize;
using Certctl.Acme.Orders;
using Npgsql;

namespace Certctl.Acme.Notifications;

/// <summary>
/// One connection per replica listening on the ACME service's Postgres channels:
/// <list type="bullet">
/// <item><see cref="OrderOutcomeChannel.Name"/>: an order was moved on by any replica's <see cref="IssuanceOutcomeConsumer"/>; this
/// replica's waiting finalize requests answer (<see cref="OrderOutcomeSignals"/>). While the connection is down they time out and
/// answer <c>processing</c>, as without a wait.</item>
/// <item><see cref="AccountStore.ChangeChannel"/> and <see cref="AcmeProfilePolicies.ChangeChannel"/>: a row changed, so its
/// cached copy is forgotten. The caches serve only while this connection listens: they go live once <c>LISTEN</c> has run, and
/// dark (empty, reading through to the database) as soon as the connection fails, until it listens again.</item>
/// </list>
/// </summary>
public sealed partial class AcmeNotificationListener(
    NpgsqlDataSource db, OrderOutcomeSignals signals, AccountStore accounts, AcmeProfilePolicies policies,
    ILogger<AcmeNotificationListener> logger) : BackgroundService
{
    private static readonly TimeSpan Reconnect = TimeSpan.FromSeconds(2);

    private static readonly string[] Channels = [OrderOutcomeChannel.Name, AccountStore.ChangeChannel, AcmeProfilePolicies.ChangeChannel];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(stoppingToken);
            }
            // The caches went dark when the listening ended (ListenAsync's finally), or were never live.
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

    /// <summary>Acts on one notification; unknown channels and payloads are ignored.</summary>
    public void Handle(string channel, string payload)
    {
        switch (channel)
        {
            case OrderOutcomeChannel.Name when OrderOutcomeChannel.Parse(payload) is var (orderId, status):
                signals.Signal(orderId, status);
                break;
            case AccountStore.ChangeChannel:
                accounts.Cached.Forget(payload);
                break;
            case AcmeProfilePolicies.ChangeChannel:
                policies.Cached.Forget(payload);
                break;
        }
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        await using var connection = await db.OpenConnectionAsync(stoppingToken);
        connection.Notification += (_, notification) => Handle(notification.Channel, notification.Payload);
        await using (var listen = new NpgsqlCommand(string.Join(' ', Channels.Select(channel => $"LISTEN {channel};")), connection))
        {
            await listen.ExecuteNonQueryAsync(stoppingToken);
        }

        // Every change committed from here on is heard, so rows read from here on may be kept.
        accounts.Cached.GoLive();
        policies.Cached.GoLive();
        try
        {
            while (true)
            {
                await connection.WaitAsync(stoppingToken);
            }
        }
        finally
        {
            GoDark();
            // The connection goes back to the pool (which does not reset it): it must not keep listening there.
            if (connection.State == System.Data.ConnectionState.Open)
            {
                await using var unlisten = new NpgsqlCommand("UNLISTEN *", connection);
                await ((Task)unlisten.ExecuteNonQueryAsync(CancellationToken.None)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private void GoDark()
    {
        accounts.Cached.GoDark();
        policies.Cached.GoDark();
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Listening for ACME notifications failed; finalize answers 'processing' and accounts and profiles are read from the "
            + "database until it listens again in {Seconds} s")]
    private static partial void LogListenFailed(ILogger logger, Exception exception, double seconds);
}
