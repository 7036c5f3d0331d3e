using Certctl.Contracts;
using Certctl.Domain;
using Certctl.Scheduler.Loops;
using Certctl.Scheduler.Options;
using MassTransit;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Certctl.Scheduler.Dispatch;

/// <summary>
/// Hands due Pending issuance/renewal jobs to the CA connector: claims them with <c>FOR UPDATE SKIP LOCKED</c>, moves them to Running
/// with a lease and one more attempt, commits, then publishes <see cref="IssueCertificate"/> for each.
/// </summary>
/// <remarks>
/// At most <c>CERTCTL_RENEWAL_CONCURRENCY</c> issuance jobs are Running across the system: a run claims only the free slots (the loop runs
/// on one replica at a time). In agent key mode a job without a CSR goes to AwaitingCSR instead, for the agent's work poll, and spends no
/// attempt. Publishing after the commit means a crash in between leaves Running jobs without a message; the lease sweeper re-queues them.
/// While issuance jobs are Running the dispatcher looks again every <c>CERTCTL_SCHEDULER_DISPATCH_BUSY_INTERVAL</c> to fill the slots
/// they free: one cheap claim per interval instead of a message per completed job (a drain of 10,000 renewals sent the scheduler
/// 10,000 wake-ups, each a RabbitMQ delivery and a consume, to start runs that mostly found the slots already taken).
/// </remarks>
public sealed class JobDispatcher(
    NpgsqlDataSource dataSource, IBus publisher, TimeProvider timeProvider, IOptions<SchedulerOptions> options,
    [FromKeyedServices(JobDispatcher.LoopName)] LoopWakeup? wakeup = null)
    : ILoopWork, IDisposable
{
    public const string LoopName = "job-dispatch";

    /// <summary>Most agent-key-mode jobs parked per run; the rest wait for the next park.</summary>
    public const int ParkBatch = 1000;

    // Every creator starts an agent-key-mode job AwaitingCSR; it reaches Pending only by the retry loop or an approval. Parking
    // is therefore rare work: it runs at most once per loop interval, not on every wake-up, in bounded batches.
    private static readonly string ParkAwaitingCsr = $"""
        UPDATE jobs j SET status = 'AwaitingCSR', updated_at = @now
        WHERE j.id IN (
            SELECT p.id
            FROM jobs p
            JOIN managed_certificates c ON c.id = p.certificate_id
            WHERE p.status = 'Pending' AND p.type IN ('Issuance', 'Renewal') AND p.next_attempt_at <= @now
              AND c.keygen_mode = 'agent' AND p.csr_pem IS NULL
            ORDER BY p.next_attempt_at, p.id
            LIMIT {ParkBatch}
            FOR UPDATE OF p SKIP LOCKED)
        """;

    // One row always: the issuance jobs Running before the claim, each claimed job's columns (nulls when none was claimed), and
    // whether due Pending jobs are left unclaimed (the cap or another claimer's lock kept them).
    private const string Claim = """
        WITH running AS (
            SELECT count(*)::int AS n FROM jobs WHERE status = 'Running' AND type IN ('Issuance', 'Renewal')
        ),
        claimed AS (
            SELECT j.id
            FROM jobs j
            JOIN managed_certificates c ON c.id = j.certificate_id
            WHERE j.status = 'Pending' AND j.type IN ('Issuance', 'Renewal') AND j.next_attempt_at <= @now
              AND j.attempts < j.max_attempts
              AND (c.keygen_mode = 'server' OR j.csr_pem IS NOT NULL)
            ORDER BY j.next_attempt_at, j.id
            LIMIT GREATEST(@cap - (SELECT n FROM running), 0)
            FOR UPDATE OF j SKIP LOCKED
        ),
        updated AS (
            UPDATE jobs j SET status = 'Running', attempts = j.attempts + 1, lease_expires_at = @lease_until,
                              started_at = @now, updated_at = @now
            FROM claimed, managed_certificates c
            WHERE j.id = claimed.id AND c.id = j.certificate_id
            RETURNING j.id, j.certificate_id, c.issuer_id, c.keygen_mode, j.csr_pem, j.attempts
        )
        SELECT r.n, u.id, u.certificate_id, u.issuer_id, u.keygen_mode, u.csr_pem, u.attempts,
               EXISTS (SELECT 1 FROM jobs w
                       WHERE w.status = 'Pending' AND w.type IN ('Issuance', 'Renewal') AND w.next_attempt_at <= @now
                         AND w.id NOT IN (SELECT id FROM claimed))
        FROM running r LEFT JOIN updated u ON true
        """;

    /// <summary>Longest a run spends publishing the commands of the jobs it claimed.</summary>
    public static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(30);

    private DateTimeOffset _nextPark = DateTimeOffset.MinValue;
    private ITimer? _busyTimer;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var settings = options.Value;
        var parkNow = now >= _nextPark;
        var commands = new List<IssueCertificate>();
        var runningBefore = 0;
        var leftWaiting = false;
        int parked;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            parked = 0;
            if (parkNow)
            {
                await using var park = new NpgsqlCommand(ParkAwaitingCsr, connection, transaction);
                park.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
                parked = await park.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var claim = new NpgsqlCommand(Claim, connection, transaction))
            {
                claim.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
                claim.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("lease_until", now + settings.Lease));
                claim.Parameters.Add(new NpgsqlParameter<int>("cap", settings.RenewalConcurrency));
                await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    runningBefore = reader.GetInt32(0);
                    leftWaiting = reader.GetBoolean(7);
                    if (reader.IsDBNull(1))
                    {
                        continue;
                    }

                    commands.Add(new IssueCertificate(
                        reader.GetString(1), reader.GetString(2), reader.GetString(3), WireNames<KeygenMode>.Parse(reader.GetString(4)),
                        reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetInt32(6), now));
                }
            }

            await transaction.CommitAsync(cancellationToken);
        }

        // Slots free up as Running jobs finish; only jobs left waiting for one need the early look. Without that condition, a
        // system with ACME orders in flight (their jobs are Running from the start, nothing waits) ran the claim every busy
        // interval for nothing: about ten claims a second under acme_issuance.
        if (leftWaiting && runningBefore + commands.Count > 0)
        {
            LookAgainAfter(settings.DispatchBusy);
        }

        if (parkNow)
        {
            // A full batch means more may wait: park again on the next run.
            _nextPark = parked >= ParkBatch ? now : now + settings.JobProcessor;
        }

        // Not the run's token: the rows are committed as Running, so finish telling the connector rather than leave them to the
        // sweeper. But bounded: with RabbitMQ away a publish waits for the broker, and an unbounded wait kept this loop "still
        // running" past the broker's return. What is not sent in time stays Running and the lease sweeper sends it again.
        using var publishing = new CancellationTokenSource(PublishTimeout, timeProvider);
        // All at once: each publish waits for the broker's confirm (a disk write for a persistent message), and one after another
        // a run of 25 took 25 of those waits while the slots it filled sat idle.
        if (commands.Count > 0)
        {
            await PublishEachInItsOwnTraceAsync(commands, publishing.Token);
        }

        return parked + commands.Count;
    }

    public void Dispose() => _busyTimer?.Dispose();

    // One timer, re-armed by every busy run: the wake it fires coalesces with any other into a single early run.
    private void LookAgainAfter(TimeSpan delay)
    {
        if (wakeup is null)
        {
            return;
        }

        _busyTimer ??= timeProvider.CreateTimer(static state => ((LoopWakeup)state!).Wake(), wakeup, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _busyTimer.Change(delay, Timeout.InfiniteTimeSpan);
    }

    // Each job's pipeline (dispatch, issuance, its events) is a trace of its own rather than a child of this run's span. Under the
    // trace rate limit (CERTCTL_TRACE_MAX_PER_SECOND) a sampled run of 25 jobs otherwise let 25 pipelines through as one trace,
    // and a drain still sent the dashboard most of its spans.
    private async Task PublishEachInItsOwnTraceAsync(List<IssueCertificate> commands, CancellationToken cancellationToken)
    {
        System.Diagnostics.Activity.Current?.SetTag("certctl.jobs.dispatched", commands.Count);
        System.Diagnostics.Activity.Current = null; // flows into the publishes only: the caller's context is restored on return
        await publisher.PublishBatch(commands, cancellationToken);
    }
}
