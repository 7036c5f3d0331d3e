using Certctl.Acme.Orders;
using Certctl.Acme.Problems;
using Certctl.Contracts;
using MassTransit;
using Npgsql;
using NpgsqlTypes;

namespace Certctl.Acme.Finalize;

/// <summary>
/// Moves a processing ACME order on when its issuance job ends: <see cref="CertificateIssued"/> → <c>valid</c> with the version (the
/// certificate URL appears; group-committed by <see cref="IssuedOrders"/>); a final <see cref="IssuanceFailed"/> → <c>invalid</c> with
/// the reason. Found by the job id (unique on orders), so events of other jobs cost one index probe; idempotent, since only a
/// processing order changes.
/// </summary>
/// <remarks>
/// A retryable failure changes nothing: the scheduler's retry loop sends the job, CSR and all, again. A moved order is notified on
/// <see cref="OrderOutcomeChannel.Name"/> (delivered at commit), so the finalize request waiting for it on any replica answers.
/// </remarks>
public sealed class IssuanceOutcomeConsumer(NpgsqlDataSource db, TimeProvider time, IssuedOrders issuedOrders)
    : IConsumer<CertificateIssued>, IConsumer<IssuanceFailed>
{
    public Task Consume(ConsumeContext<CertificateIssued> context) =>
        issuedOrders.MoveAsync(context.Message.JobId, context.Message.VersionId, context.Message.SerialNumber, context.CancellationToken);

    public async Task Consume(ConsumeContext<IssuanceFailed> context)
    {
        var failed = context.Message;
        if (failed.Retryable)
        {
            return;
        }

        var problem = new AcmeProblem(AcmeProblemTypes.ServerInternal, $"The certificate authority did not issue the certificate: {failed.Reason}",
            StatusCodes.Status500InternalServerError);
        await using var command = db.CreateCommand($"""
            WITH done AS (
                UPDATE acme_orders SET status = 'invalid', error = @error, updated_at = @now
                WHERE job_id = @job_id AND status = 'processing'
                RETURNING id, status, account_id),
            audit AS (
                INSERT INTO audit_events (actor, actor_type, action, resource_type, resource_id, details)
                SELECT 'acme:' || account_id, 'User', 'acme_order_failed', 'acme_order', id, jsonb_build_object('reason', @reason::text)
                FROM done)
            SELECT pg_notify('{OrderOutcomeChannel.Name}', {OrderOutcomeChannel.Payload}) FROM done
            """);
        command.Parameters.Add(new NpgsqlParameter<string>("job_id", failed.JobId));
        command.Parameters.Add(new NpgsqlParameter("error", NpgsqlDbType.Jsonb) { Value = StoredProblem.ToJson(problem) });
        command.Parameters.Add(new NpgsqlParameter<string>("reason", failed.Reason));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", time.GetUtcNow()));
        await command.ExecuteNonQueryAsync(context.CancellationToken);
    }
}
