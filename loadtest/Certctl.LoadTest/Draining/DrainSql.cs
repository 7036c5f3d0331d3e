using System.Globalization;
using Certctl.LoadTest.Seeding;

namespace Certctl.LoadTest.Draining;

/// <summary>
/// The read-only statements of the drain. Every one looks at the jobs of the fixture's certificates created since the
/// start (<c>@start</c>, read from the database's own clock so it compares with <c>created_at</c> without skew).
/// </summary>
public static class DrainSql
{
    /// <summary>The steadiest window is this many whole seconds long.</summary>
    public const int WindowSeconds = 10;

    /// <summary>A Failed job with attempts left waits for the scheduler's retry; one without is finished, like a Cancelled one.</summary>
    public const string FailedForGood = "(j.status = 'Cancelled' OR (j.status = 'Failed' AND j.attempts >= j.max_attempts))";

    /// <summary>The jobs the drain counts: issuance and renewal jobs of the fixture's certificates created at or after the start.</summary>
    public const string DrainJobs = "starts_with(j.certificate_id, @id_prefix) AND j.type IN ('Issuance', 'Renewal') AND j.created_at >= @start";

    /// <summary>One row, one column: the database's clock now (not the transaction's start).</summary>
    public static SeedStatement Clock() => new("SELECT clock_timestamp()", new Dictionary<string, object>());

    /// <summary>One row: jobs, completed, failed for good (or cancelled), failed awaiting a retry, still active, the last completion.</summary>
    public static SeedStatement Progress(SeedFixture fixture, DateTimeOffset start) => new(
        $"""
        SELECT count(*),
               count(*) FILTER (WHERE j.status = 'Completed'),
               count(*) FILTER (WHERE {FailedForGood}),
               count(*) FILTER (WHERE j.status = 'Failed' AND j.attempts < j.max_attempts),
               count(*) FILTER (WHERE j.status IN ({SeedSql.ActiveJobStatuses})),
               max(j.completed_at) FILTER (WHERE j.status = 'Completed')
        FROM jobs AS j
        WHERE {DrainJobs}
        """,
        Window(fixture, start));

    /// <summary>
    /// One row: p50, p90 and p99 of the completed jobs' latency (<c>completed_at − created_at</c>, milliseconds, interpolated
    /// by <c>percentile_cont</c>) as an array, and the largest; nulls when no job completed.
    /// </summary>
    public static SeedStatement Latency(SeedFixture fixture, DateTimeOffset start) => new(
        $"""
        SELECT percentile_cont(ARRAY[0.5, 0.9, 0.99]) WITHIN GROUP (ORDER BY l.ms), max(l.ms)
        FROM (
            SELECT (extract(epoch FROM j.completed_at - j.created_at) * 1000)::double precision AS ms
            FROM jobs AS j
            WHERE {DrainJobs} AND j.status = 'Completed'
        ) AS l
        """,
        Window(fixture, start));

    /// <summary>
    /// At most one row: the <see cref="WindowSeconds"/>-second window (whole seconds counted from the start, empty seconds
    /// included) in which the most jobs completed, as its first second and its completions; the earliest such window on a
    /// tie. No row when the drain lasted less than the window.
    /// </summary>
    public static SeedStatement SteadiestWindow(SeedFixture fixture, DateTimeOffset start) => new(
        string.Create(
            CultureInfo.InvariantCulture,
            $"""
            WITH done AS (
                SELECT greatest(0, floor(extract(epoch FROM j.completed_at - @start)))::int AS second
                FROM jobs AS j
                WHERE {DrainJobs} AND j.status = 'Completed'
            ),
            seconds AS (
                SELECT s.second, count(d.second) AS completed
                FROM generate_series(0, (SELECT max(second) FROM done)) AS s (second)
                LEFT JOIN done AS d ON d.second = s.second
                GROUP BY s.second
            ),
            windows AS (
                SELECT second, sum(completed) OVER w AS completed, count(*) OVER w AS width
                FROM seconds
                WINDOW w AS (ORDER BY second ROWS BETWEEN CURRENT ROW AND {WindowSeconds - 1} FOLLOWING)
            )
            SELECT second, completed::bigint FROM windows WHERE width = {WindowSeconds} ORDER BY completed DESC, second LIMIT 1
            """),
        Window(fixture, start));

    private static Dictionary<string, object> Window(SeedFixture fixture, DateTimeOffset start) => new()
    {
        ["id_prefix"] = fixture.IdPrefix,
        ["start"] = start.ToUniversalTime(),
    };
}
