using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Certctl.Acme.RateLimiting;

/// <summary>
/// GCRA with the state in <c>acme_rate_limits</c>: one statement per decision, whose arithmetic runs in Postgres under the key's
/// row lock, so any number of ACME replicas share one budget and concurrent requests never spend the same unit twice.
/// </summary>
/// <remarks>
/// Time is the replica's clock (<see cref="TimeProvider"/>), not the database's: replicas are NTP-synchronised like anything that
/// checks certificates, and a refusal's <c>Retry-After</c> is then exact for the client that reads it.
/// </remarks>
public sealed class PostgresGcraRateLimiter(
    NpgsqlDataSource dataSource, IOptions<AcmeRateLimitOptions> options, TimeProvider timeProvider, AcmeRateLimitMetrics metrics)
    : IAcmeRateLimiter
{
    // The upsert spends a unit only when the pushed arrival time stays within the tolerance; ON CONFLICT locks the key's latest row
    // version either way. A refused upsert changes nothing and returns nothing, so the second arm reads the arrival time the
    // refusal was decided on: FOR SHARE follows the row to its latest committed version (which the upsert's lock guarantees is the
    // one it judged), where a plain read would see the statement's older snapshot and understate the wait.
    private const string Sql = """
        WITH spent AS (
            INSERT INTO acme_rate_limits AS r (key, theoretical_arrival_at)
            VALUES (@key, @now + @interval)
            ON CONFLICT (key) DO UPDATE
                SET theoretical_arrival_at = GREATEST(r.theoretical_arrival_at, @now) + @interval
                WHERE GREATEST(r.theoretical_arrival_at, @now) + @interval <= @now + @tolerance
            RETURNING 1
        )
        SELECT TRUE, NULL::timestamptz FROM spent
        UNION ALL
        SELECT FALSE, refused.theoretical_arrival_at FROM (
            SELECT theoretical_arrival_at FROM acme_rate_limits
            WHERE key = @key AND NOT EXISTS (SELECT 1 FROM spent)
            FOR SHARE) refused
        """;

    public async ValueTask<RateLimitDecision> TryAcquireAsync(AcmeRateLimit limit, string subject, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        if (options.Value.PolicyFor(limit) is not { } policy)
        {
            return RateLimitDecision.Allow;
        }

        var now = timeProvider.GetUtcNow();
        await using var command = dataSource.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<string>("key", KeyOf(limit, subject)));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", NpgsqlDbType.TimestampTz) { TypedValue = now });
        command.Parameters.Add(new NpgsqlParameter<TimeSpan>("interval", NpgsqlDbType.Interval) { TypedValue = policy.EmissionInterval });
        command.Parameters.Add(new NpgsqlParameter<TimeSpan>("tolerance", NpgsqlDbType.Interval) { TypedValue = policy.Tolerance });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);

        // No row at all: the key's row was inserted by a concurrent request after this statement's snapshot, so it cannot be read
        // here; its arrival time is at most one interval past the tolerance, so one interval is a safe wait.
        var decision = !await reader.ReadAsync(cancellationToken)
            ? RateLimitDecision.Refuse(policy.EmissionInterval)
            : reader.GetBoolean(0)
                ? RateLimitDecision.Allow
                : RateLimitDecision.Refuse(RetryAfter(reader.GetFieldValue<DateTimeOffset>(1), now, policy));
        metrics.Decision(limit, decision.Allowed);
        return decision;
    }

    public async ValueTask<RateLimitDecision> CheckAsync(AcmeRateLimit limit, string subject, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        if (options.Value.PolicyFor(limit) is not { } policy)
        {
            return RateLimitDecision.Allow;
        }

        var now = timeProvider.GetUtcNow();
        await using var command = dataSource.CreateCommand("SELECT theoretical_arrival_at FROM acme_rate_limits WHERE key = @key");
        command.Parameters.Add(new NpgsqlParameter<string>("key", KeyOf(limit, subject)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var decision = await reader.ReadAsync(cancellationToken)
            ? Judge(reader.GetFieldValue<DateTimeOffset>(0), now, policy)
            : RateLimitDecision.Allow;
        metrics.Decision(limit, decision.Allowed);
        return decision;
    }

    /// <summary>The same rule the upsert applies, read without spending: allowed while one more unit stays within the tolerance.</summary>
    public static RateLimitDecision Judge(DateTimeOffset theoreticalArrival, DateTimeOffset now, GcraPolicy policy) =>
        (theoreticalArrival > now ? theoreticalArrival : now) + policy.EmissionInterval <= now + policy.Tolerance
            ? RateLimitDecision.Allow
            : RateLimitDecision.Refuse(RetryAfter(theoreticalArrival, now, policy));

    /// <summary>The row key: the limit's name and the subject, so one subject's limits never share a budget.</summary>
    public static string KeyOf(AcmeRateLimit limit, string subject) => limit switch
    {
        AcmeRateLimit.NewOrdersPerAccount => "new_orders_per_account|",
        AcmeRateLimit.NewAccountsPerIp => "new_accounts_per_ip|",
        AcmeRateLimit.FailedValidationsPerAccountIdentifier => "failed_validations_per_account_identifier|",
        _ => throw new ArgumentOutOfRangeException(nameof(limit), limit, "Unknown ACME rate limit."),
    } + subject;

    /// <summary>When the next unit is allowed: once the arrival time, pushed one interval on, is back within the tolerance.</summary>
    public static TimeSpan RetryAfter(DateTimeOffset theoreticalArrival, DateTimeOffset now, GcraPolicy policy)
    {
        var wait = theoreticalArrival + policy.EmissionInterval - policy.Tolerance - now;
        return wait > TimeSpan.Zero ? wait : policy.EmissionInterval;
    }
}
