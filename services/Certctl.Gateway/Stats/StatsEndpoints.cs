using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Certctl.Gateway.Stats;

/// <summary><c>GET /api/v1/stats/summary</c>: SQL aggregates over the whole inventory (the original counted only the first 50 certificates).</summary>
public static class StatsEndpoints
{
    /// <summary>
    /// One statement, one snapshot. "Expiring" counts certificates still in service (not Archived, Revoked or Expired) whose
    /// expiry is within the window and not yet past. Agents: online and offline are active (not retired) agents; Degraded
    /// counts as offline.
    /// </summary>
    private const string SummarySql = """
        SELECT
            (SELECT COALESCE(jsonb_object_agg(s.status, s.n), '{}')::text FROM (SELECT status, count(*) AS n FROM managed_certificates GROUP BY status) s),
            (SELECT count(*) FROM managed_certificates c
             WHERE c.status NOT IN ('Archived', 'Revoked', 'Expired') AND c.expires_at > now() AND c.expires_at <= now() + interval '7 days'),
            (SELECT count(*) FROM managed_certificates c
             WHERE c.status NOT IN ('Archived', 'Revoked', 'Expired') AND c.expires_at > now() AND c.expires_at <= now() + interval '30 days'),
            (SELECT COALESCE(jsonb_object_agg(s.status, s.n), '{}')::text FROM (SELECT status, count(*) AS n FROM jobs GROUP BY status) s),
            a.online, a.offline, a.retired, now()
        FROM (SELECT count(*) FILTER (WHERE retired_at IS NULL AND status = 'Online') AS online,
                     count(*) FILTER (WHERE retired_at IS NULL AND status <> 'Online') AS offline,
                     count(*) FILTER (WHERE retired_at IS NOT NULL) AS retired
              FROM agents) a
        """;

    /// <summary>Maps the stats endpoints.</summary>
    public static RouteGroupBuilder MapStatsEndpoints(this RouteGroupBuilder api)
    {
        var stats = api.MapGroup("/stats").WithTags("Stats");
        stats.MapGet("/summary", GetSummary).WithName("GetStatsSummary")
            .WithSummary("Certificate counts by status and expiring in 7/30 days, jobs by status, agents online/offline/retired");
        return stats;
    }

    /// <summary>GET /stats/summary.</summary>
    public static async Task<Ok<StatsSummary>> GetSummary(NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand(SummarySql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var certificates = Counts(reader.GetString(0));
        var jobs = Counts(reader.GetString(3));
        return TypedResults.Ok(new StatsSummary(
            certificates.Values.Sum(), certificates, reader.GetInt64(1), reader.GetInt64(2),
            jobs.Values.Sum(), jobs, reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6),
            reader.GetFieldValue<DateTimeOffset>(7)));
    }

    private static SortedDictionary<string, long> Counts(string json) =>
        new(JsonSerializer.Deserialize<Dictionary<string, long>>(json) ?? [], StringComparer.Ordinal);
}
