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
/// Finalize (RFC 8555 §7.4) as the platform issues everything: in one transaction that locks the order, the managed certificate
/// (<c>source = ACME</c>, named <c>acme-&lt;order id&gt;</c>, the order's identifiers as names, the profile and the configured issuer),
/// its Issuance job already Running with the CSR and a lease, and the order moved to <c>processing</c> with both ids; then
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

    /// <summary>The order after the finalize; or the problem refusing it (<c>orderNotReady</c>, an unknown order).</summary>
    public async Task<(AcmeOrder? Order, AcmeProblem? Problem)> FinalizeAsync(
        AcmeOrder order, string csrPem, string commonName, bool requiresApproval, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        var certificateId = ids.NewId(IdPrefix.ManagedCertificate);
        var jobId = ids.NewId(IdPrefix.Job);
        var actor = AcmeAudit.Actor(order.AccountId);
        await using (var connection = await db.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            string status;
            DateTimeOffset expiresAt;
            await using (var lockOrder = new NpgsqlCommand("SELECT status, expires_at FROM acme_orders WHERE id = @id FOR UPDATE", connection, transaction))
            {
                lockOrder.Parameters.Add(new NpgsqlParameter<string>("id", order.Id));
                await using var reader = await lockOrder.ExecuteReaderAsync(cancellationToken);
                if (!await reader.ReadAsync(cancellationToken))
                {
                    return (null, new AcmeProblem(AcmeProblemTypes.Malformed, "The order does not exist.", StatusCodes.Status404NotFound));
                }

                (status, expiresAt) = (reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1));
            }

            if (status is AcmeStatus.Processing or AcmeStatus.Valid)
            {
                return (order with { Status = status }, null);
            }

            if (status != AcmeStatus.Ready)
            {
                return (null, new AcmeProblem(AcmeProblemTypes.OrderNotReady,
                    $"The order is {status}; it can be finalized only when it is ready.", StatusCodes.Status403Forbidden));
            }

            if (expiresAt <= now)
            {
                return (null, new AcmeProblem(AcmeProblemTypes.OrderNotReady, "The order has expired.", StatusCodes.Status403Forbidden));
            }

            await using (var batch = new NpgsqlBatch(connection, transaction)
            {
                BatchCommands =
                {
                    new("""
                        INSERT INTO managed_certificates (id, name, common_name, sans, issuer_id, certificate_profile_id, keygen_mode, status, source, tags,
                                                          created_at, updated_at)
                        VALUES (@id, @name, @common_name, @sans, @issuer_id, @profile_id, 'agent', 'Pending', 'ACME', @tags, @now, @now)
                        """)
                    {
                        Parameters =
                        {
                            new NpgsqlParameter<string>("id", certificateId),
                            new NpgsqlParameter<string>("name", "acme-" + order.Id),
                            new NpgsqlParameter<string>("common_name", commonName),
                            new NpgsqlParameter<string[]>("sans", [.. order.Identifiers.Select(i => i.Value)]),
                            new NpgsqlParameter<string>("issuer_id", settings.IssuerId),
                            new NpgsqlParameter<string>("profile_id", order.ProfileId),
                            new NpgsqlParameter("tags", NpgsqlDbType.Jsonb)
                            {
                                Value = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string>
                                {
                                    ["acme_account"] = order.AccountId, ["acme_order"] = order.Id,
                                }),
                            },
                            new NpgsqlParameter<DateTimeOffset>("now", now),
                        },
                    },
                    requiresApproval ? AwaitingApprovalJob(jobId, certificateId, csrPem, actor, now) : RunningJob(jobId, certificateId, csrPem, actor, now),
                    new("""
                        UPDATE acme_orders SET status = 'processing', csr_pem = @csr_pem, certificate_id = @certificate_id, job_id = @job_id, error = NULL,
                                               updated_at = @now
                        WHERE id = @id
                        """)
                    {
                        Parameters =
                        {
                            new NpgsqlParameter<string>("id", order.Id),
                            new NpgsqlParameter<string>("csr_pem", csrPem),
                            new NpgsqlParameter<string>("certificate_id", certificateId),
                            new NpgsqlParameter<string>("job_id", jobId),
                            new NpgsqlParameter<DateTimeOffset>("now", now),
                        },
                    },
                    AcmeAudit.Command(order.AccountId, "certificate_created", "certificate", certificateId,
                        new { common_name = commonName, source = "ACME", acme_order = order.Id, profile_id = order.ProfileId }),
                    AcmeAudit.Command(order.AccountId, "acme_order_processing", "acme_order", order.Id,
                        new { certificate_id = certificateId, job_id = jobId, awaiting_approval = requiresApproval }),
                },
            })
            {
                if (requiresApproval)
                {
                    batch.BatchCommands.Add(ApprovalRequest(jobId, certificateId, order, commonName, actor, now));
                }

                await batch.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
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

    private NpgsqlBatchCommand RunningJob(string jobId, string certificateId, string csrPem, string actor, DateTimeOffset now) => new("""
        INSERT INTO jobs (id, type, certificate_id, status, attempts, max_attempts, csr_pem, lease_expires_at, started_at, requested_by,
                          created_at, updated_at)
        VALUES (@id, 'Issuance', @certificate_id, 'Running', 1, 3, @csr_pem, @lease_until, @now, @actor, @now, @now)
        """)
    {
        Parameters =
        {
            new NpgsqlParameter<string>("id", jobId),
            new NpgsqlParameter<string>("certificate_id", certificateId),
            new NpgsqlParameter<string>("csr_pem", csrPem),
            new NpgsqlParameter<DateTimeOffset>("lease_until", now + options.Value.IssuanceLease),
            new NpgsqlParameter<DateTimeOffset>("now", now),
            new NpgsqlParameter<string>("actor", actor),
        },
    };

    // No attempt spent and no lease: the dispatcher claims it (attempt 1) once an approval makes it Pending.
    private static NpgsqlBatchCommand AwaitingApprovalJob(string jobId, string certificateId, string csrPem, string actor, DateTimeOffset now) => new("""
        INSERT INTO jobs (id, type, certificate_id, status, attempts, max_attempts, csr_pem, requested_by, created_at, updated_at)
        VALUES (@id, 'Issuance', @certificate_id, 'AwaitingApproval', 0, 3, @csr_pem, @actor, @now, @now)
        """)
    {
        Parameters =
        {
            new NpgsqlParameter<string>("id", jobId),
            new NpgsqlParameter<string>("certificate_id", certificateId),
            new NpgsqlParameter<string>("csr_pem", csrPem),
            new NpgsqlParameter<DateTimeOffset>("now", now),
            new NpgsqlParameter<string>("actor", actor),
        },
    };

    // The row the gateway's gated renewals write. The ACME account is the requester, so any operator may approve (two-person rule).
    private static NpgsqlBatchCommand ApprovalRequest(
        string jobId, string certificateId, AcmeOrder order, string commonName, string actor, DateTimeOffset now) => new("""
        INSERT INTO issuance_approval_requests (id, certificate_id, job_id, profile_id, requested_by, metadata, created_at, updated_at)
        VALUES (@id, @certificate_id, @job_id, @profile_id, @actor, @metadata, @now, @now)
        """)
    {
        Parameters =
        {
            new NpgsqlParameter<string>("id", $"ar-{Guid.CreateVersion7():N}"),
            new NpgsqlParameter<string>("certificate_id", certificateId),
            new NpgsqlParameter<string>("job_id", jobId),
            new NpgsqlParameter<string>("profile_id", order.ProfileId),
            new NpgsqlParameter<string>("actor", actor),
            new NpgsqlParameter("metadata", NpgsqlDbType.Jsonb)
            {
                Value = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string>
                {
                    ["common_name"] = commonName, ["acme_order"] = order.Id, ["acme_account"] = order.AccountId,
                }),
            },
            new NpgsqlParameter<DateTimeOffset>("now", now),
        },
    };

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "IssueCertificate for job {JobId} (ACME order {OrderId}) was not sent; the job's lease will bring it back to the dispatcher")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string jobId, string orderId);
}
