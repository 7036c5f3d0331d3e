using Certctl.ServiceDefaults;
using Npgsql;

namespace Certctl.Acme.Finalize;

/// <summary>
/// Moves processing orders to <c>valid</c> for <see cref="IssuanceOutcomeConsumer"/>, group-committed: the outcomes that arrive while one
/// statement runs go out as the next one (one round trip, one commit and one audit trigger run for all of them), each order with its
/// <c>acme_order_finalized</c> audit row and its <see cref="OrderOutcomeChannel.Name"/> notification.
/// </summary>
public sealed class IssuedOrders : IAsyncDisposable
{
    private readonly StatementBatcher<Issued, bool> _batcher;
    private readonly TimeProvider _time;

    public IssuedOrders(NpgsqlDataSource db, TimeProvider time)
    {
        _time = time;
        _batcher = new StatementBatcher<Issued, bool>(
            "acme issued orders", (batch, cancellationToken) => MoveAsync(db, batch, cancellationToken), issued => issued.JobId, maxBatch: 200);
    }

    /// <summary>True when the order of <paramref name="jobId"/> moved to valid now; false when none was processing (a redelivery).</summary>
    public Task<bool> MoveAsync(string jobId, string versionId, string serialNumber, CancellationToken cancellationToken) =>
        _batcher.RunAsync(new Issued(jobId, versionId, serialNumber), cancellationToken);

    public ValueTask DisposeAsync() => _batcher.DisposeAsync();

    private async Task<IReadOnlyList<bool>> MoveAsync(NpgsqlDataSource db, IReadOnlyList<Issued> batch, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand($"""
            WITH input AS (
                SELECT * FROM unnest(@job_ids, @version_ids, @serials) AS i(job_id, version_id, serial)),
            done AS (
                UPDATE acme_orders o SET status = 'valid', certificate_version_id = i.version_id, error = NULL, updated_at = @now
                FROM input i
                WHERE o.job_id = i.job_id AND o.status = 'processing'
                RETURNING o.id, o.status, o.job_id, o.account_id, o.profile_id, o.certificate_id, i.serial),
            audit AS (
                INSERT INTO audit_events (actor, actor_type, action, resource_type, resource_id, details)
                SELECT 'acme:' || account_id, 'User', 'acme_order_finalized', 'acme_order', id,
                       jsonb_build_object('profile_id', profile_id, 'certificate_id', certificate_id, 'serial', serial)
                FROM done)
            SELECT job_id, pg_notify('{OrderOutcomeChannel.Name}', {OrderOutcomeChannel.Payload}) FROM done
            """);
        command.Parameters.Add(new NpgsqlParameter<string[]>("job_ids", [.. batch.Select(i => i.JobId)]));
        command.Parameters.Add(new NpgsqlParameter<string[]>("version_ids", [.. batch.Select(i => i.VersionId)]));
        command.Parameters.Add(new NpgsqlParameter<string[]>("serials", [.. batch.Select(i => i.SerialNumber)]));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", _time.GetUtcNow()));
        var moved = new HashSet<string>(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                moved.Add(reader.GetString(0));
            }
        }

        return [.. batch.Select(issued => moved.Contains(issued.JobId))];
    }

    private readonly record struct Issued(string JobId, string VersionId, string SerialNumber);
}
