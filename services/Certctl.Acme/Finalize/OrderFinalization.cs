using Certctl.Acme.Http;
using Certctl.Acme.Orders;
using Certctl.Acme.Problems;
using Certctl.Contracts;
using Certctl.Domain;
using MassTransit;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Certctl.Acme.Finalize;

/// <summary>
/// Finalize (RFC 8555 §7.4) as the platform issues everything: one statement writes the managed certificate (<c>source = ACME</c>,
/// named <c>acme-&lt;order id&gt;</c>, the order's identifiers as names, the profile and the configured issuer), its Issuance job
/// already Running with the CSR and a lease, and moves the order to <c>processing</c> with both ids, or writes nothing; then
/// <see cref="IssueCertificate"/> to the CA connector. The job row is the durable intent: if the message is lost, the lease lapses and
/// the scheduler sends it again. <see cref="IssuanceOutcomeConsumer"/> moves the order on when the connector answers.
/// </summary>
/// <remarks>
/// A finalize of an order that is already processing or valid answers its current state and starts nothing (the original re-issued
/// a processing order and refused a valid one, its GAP-7). Behind a profile that <c>requires_approval</c> the job is written
/// AwaitingApproval with its approval request instead, as a gated renewal is, and nothing is sent: the operator API's approve makes it
/// Pending and the scheduler's dispatcher sends it (the CSR is on the job); a rejection or an expired approval cancels it, and
/// <see cref="OrderStore"/> then shows the order <c>invalid</c>.
/// </remarks>
public sealed partial class OrderFinalization(
    NpgsqlDataSource db, IdGenerator ids, IPublishEndpoint publisher, TimeProvider time, IOptions<AcmeOrderOptions> options,
    ILogger<OrderFinalization> logger)
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(10);

    // One statement, so one round trip and its own transaction: the order moves from ready to processing only if it is still ready
    // and unexpired (the row lock makes a concurrent finalize wait, then find it processing), and every other row is written from
    // that move, so none is written without it. Foreign keys between the rows are checked at the end of the statement.
    private const string MoveAndWrite = """
        WITH moved AS (
            UPDATE acme_orders SET status = 'processing', csr_pem = @csr_pem, certificate_id = @certificate_id, job_id = @job_id, error = NULL,
                                   updated_at = @now
            WHERE id = @id AND status = 'ready' AND expires_at > @now
            RETURNING id),
        certificate AS (
            INSERT INTO managed_certificates (id, name, common_name, sans, issuer_id, certificate_profile_id, keygen_mode, status, source, tags,
                                              created_at, updated_at)
            SELECT @certificate_id, @name, @common_name, @sans, @issuer_id, @profile_id, 'agent', 'Pending', 'ACME', @tags, @now, @now FROM moved),
        audit AS (
            INSERT INTO audit_events (actor, actor_type, action, resource_type, resource_id, details)
            SELECT @actor, 'User', a.action, a.resource_type, a.resource_id, a.details
            FROM moved CROSS JOIN (VALUES ('certificate_created', 'certificate', @certificate_id, @created_details),
                                          ('acme_order_processing', 'acme_order', @id, @processing_details))
                AS a(action, resource_type, resource_id, details)),
        """;

    private const string RunningJob = MoveAndWrite + """
        job AS (
            INSERT INTO jobs (id, type, certificate_id, status, attempts, max_attempts, csr_pem, lease_expires_at, started_at, requested_by,
                              created_at, updated_at)
            SELECT @job_id, 'Issuance', @certificate_id, 'Running', 1, 3, @csr_pem, @lease_until, @now, @actor, @now, @now FROM moved)
        SELECT count(*) FROM moved
        """;

    // No attempt spent and no lease: the dispatcher claims it (attempt 1) once an approval makes it Pending. The approval request is
    // the row the gateway's gated renewals write; the ACME account is the requester, so any operator may approve (two-person rule).
    private const string GatedJob = MoveAndWrite + """
        job AS (
            INSERT INTO jobs (id, type, certificate_id, status, attempts, max_attempts, csr_pem, requested_by, created_at, updated_at)
            SELECT @job_id, 'Issuance', @certificate_id, 'AwaitingApproval', 0, 3, @csr_pem, @actor, @now, @now FROM moved),
        approval AS (
            INSERT INTO issuance_approval_requests (id, certificate_id, job_id, profile_id, requested_by, metadata, created_at, updated_at)
            SELECT @approval_id, @certificate_id, @job_id, @profile_id, @actor, @metadata, @now, @now FROM moved)
        SELECT count(*) FROM moved
        """;

    /// <summary>The order after the finalize; or the problem refusing it (<c>orderNotReady</c>, an unknown order).</summary>
    public async Task<(AcmeOrder? Order, AcmeProblem? Problem)> FinalizeAsync(
        AcmeOrder order, string csrPem, string commonName, bool requiresApproval, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        var certificateId = ids.NewId(IdPrefix.ManagedCertificate);
        var jobId = ids.NewId(IdPrefix.Job);
        await using (var command = db.CreateCommand(requiresApproval ? GatedJob : RunningJob))
        {
            var parameters = command.Parameters;
            parameters.Add(new NpgsqlParameter<string>("id", order.Id));
            parameters.Add(new NpgsqlParameter<string>("csr_pem", csrPem));
            parameters.Add(new NpgsqlParameter<string>("certificate_id", certificateId));
            parameters.Add(new NpgsqlParameter<string>("job_id", jobId));
            parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
            parameters.Add(new NpgsqlParameter<string>("name", "acme-" + order.Id));
            parameters.Add(new NpgsqlParameter<string>("common_name", commonName));
            parameters.Add(new NpgsqlParameter<string[]>("sans", [.. order.Identifiers.Select(i => i.Value)]));
            parameters.Add(new NpgsqlParameter<string>("issuer_id", settings.IssuerId));
            parameters.Add(new NpgsqlParameter<string>("profile_id", order.ProfileId));
            parameters.Add(Jsonb("tags", new Dictionary<string, string> { ["acme_account"] = order.AccountId, ["acme_order"] = order.Id }));
            parameters.Add(new NpgsqlParameter<string>("actor", AcmeAudit.Actor(order.AccountId)));
            parameters.Add(new NpgsqlParameter("created_details", NpgsqlDbType.Jsonb)
            {
                Value = AcmeAudit.Details(new { common_name = commonName, source = "ACME", acme_order = order.Id, profile_id = order.ProfileId }),
            });
            parameters.Add(new NpgsqlParameter("processing_details", NpgsqlDbType.Jsonb)
            {
                Value = AcmeAudit.Details(new { certificate_id = certificateId, job_id = jobId, awaiting_approval = requiresApproval }),
            });
            if (requiresApproval)
            {
                parameters.Add(new NpgsqlParameter<string>("approval_id", $"ar-{Guid.CreateVersion7():N}"));
                parameters.Add(Jsonb("metadata", new Dictionary<string, string>
                {
                    ["common_name"] = commonName, ["acme_order"] = order.Id, ["acme_account"] = order.AccountId,
                }));
            }
            else
            {
                parameters.Add(new NpgsqlParameter<DateTimeOffset>("lease_until", now + settings.IssuanceLease));
            }

            if ((long)(await command.ExecuteScalarAsync(cancellationToken))! == 0)
            {
                return await UnmovedAsync(order, now, cancellationToken);
            }
        }

        if (requiresApproval)
        {
            return (order with { Status = AcmeStatus.Processing, CertificateId = certificateId, Error = null, AwaitingApproval = true }, null);
        }

        try
        {
            using var publishing = new CancellationTokenSource(PublishTimeout, time);
            await publisher.Publish(
                new IssueCertificate(jobId, certificateId, settings.IssuerId, KeygenMode.Agent, csrPem, Attempt: 1, now), publishing.Token);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The job is Running with its CSR and a lease: the lease sweeper and the dispatcher send it again.
            LogPublishFailed(logger, exception, jobId, order.Id);
        }

        return (order with { Status = AcmeStatus.Processing, CertificateId = certificateId, Error = null }, null);
    }

    // The order was not ready and unexpired when the statement ran (another finalize won, or it changed since it was read).
    private async Task<(AcmeOrder? Order, AcmeProblem? Problem)> UnmovedAsync(
        AcmeOrder order, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("SELECT status, expires_at FROM acme_orders WHERE id = @id");
        command.Parameters.Add(new NpgsqlParameter<string>("id", order.Id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return (null, new AcmeProblem(AcmeProblemTypes.Malformed, "The order does not exist.", StatusCodes.Status404NotFound));
        }

        var (status, expiresAt) = (reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1));
        return status is AcmeStatus.Processing or AcmeStatus.Valid
            ? (order with { Status = status }, null)
            : (null, status != AcmeStatus.Ready || expiresAt > now
                ? NotReady(status)
                : new AcmeProblem(AcmeProblemTypes.OrderNotReady, "The order has expired.", StatusCodes.Status403Forbidden));
    }

    /// <summary>The <c>orderNotReady</c> refusal of an order that is <paramref name="status"/>.</summary>
    public static AcmeProblem NotReady(string status) => new(AcmeProblemTypes.OrderNotReady,
        $"The order is {status}; it can be finalized only when it is ready.", StatusCodes.Status403Forbidden);

    private static NpgsqlParameter Jsonb(string name, Dictionary<string, string> value) =>
        new(name, NpgsqlDbType.Jsonb) { Value = System.Text.Json.JsonSerializer.Serialize(value) };

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "IssueCertificate for job {JobId} (ACME order {OrderId}) was not sent; the job's lease will bring it back to the dispatcher")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string jobId, string orderId);
}
