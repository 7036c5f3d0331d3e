using System.Globalization;
using System.Text.Json;
using Certctl.Gateway.Caching;
using Certctl.Gateway.Certificates;
using Certctl.Gateway.Paging;
using Certctl.Gateway.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using NpgsqlTypes;

namespace Certctl.Gateway.Audit;

/// <summary>
/// <c>GET /api/v1/audit</c>: the audit trail, newest id first. Rows are written in batches up to ~100 ms after the call, so
/// occurred_at is not the insertion order; the identity id is, and keying the pages on it alone means a late row can never
/// land behind a page already read.
/// </summary>
public static class AuditEndpoints
{
    /// <summary>Names the order inside cursors (only its name is used: the predicate is on the id alone).</summary>
    private static readonly TimestampIdKeyset ById = new("audit_by_id", "a.id", SortDirection.Descending);

    /// <summary>Maps the audit list.</summary>
    public static RouteGroupBuilder MapAuditEndpoints(this RouteGroupBuilder api)
    {
        var audit = api.MapGroup("/audit").WithTags("Audit");
        audit.MapGet("/", ListAuditEvents).WithName("ListAuditEvents").WithListETag("audit_events")
            .WithSummary("List audit events, newest first (keyset cursor on id; filters actor, resource_type, resource_id, from, to)");
        return audit;
    }

    /// <summary>GET /audit.</summary>
    public static async Task<Ok<Page<AuditEventResponse>>> ListAuditEvents(
        [AsParameters] PageRequest page, [AsParameters] AuditListQuery filter, CursorCodec cursors, NpgsqlDataSource db,
        CancellationToken cancellationToken)
    {
        var after = cursors.Decode(page.Cursor, ById) is { } position
            ? long.TryParse(position.Id, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : throw DomainProblemException.Validation("cursor", "is not a cursor issued for this list; start again without it")
            : (long?)null;
        await using var command = db.CreateCommand();
        var conditions = new List<string> { filter.Predicate(command) };
        if (after is { } afterId)
        {
            conditions.Add("a.id < @after_id");
            command.Parameters.Add(new NpgsqlParameter<long>("after_id", NpgsqlDbType.Bigint) { TypedValue = afterId });
        }

        command.CommandText =
            $"""
            SELECT a.id, a.actor, a.actor_type, a.action, a.resource_type, a.resource_id, a.details::text, a.request_id, a.body_sha256,
                   a.status_code, a.latency_ms, a.occurred_at
            FROM audit_events a
            WHERE {string.Join(" AND ", conditions)}
            ORDER BY a.id DESC LIMIT @page_limit
            """;
        command.Parameters.Add(new NpgsqlParameter<int>("page_limit", page.Limit + 1));
        var rows = new List<AuditEventResponse>(Math.Min(page.Limit + 1, 64));
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (rows.Count <= page.Limit && await reader.ReadAsync(cancellationToken))
            {
                rows.Add(Read(reader));
            }
        }

        string? next = null;
        if (rows.Count > page.Limit)
        {
            rows.RemoveAt(rows.Count - 1);
            var last = rows[^1];
            next = cursors.Encode(ById, new KeysetPosition(last.OccurredAt, last.Id.ToString(CultureInfo.InvariantCulture)));
        }

        return TypedResults.Ok(new Page<AuditEventResponse>(rows, next, page.Limit));
    }

    private static AuditEventResponse Read(NpgsqlDataReader reader)
    {
        using var details = JsonDocument.Parse(reader.GetString(6));
        return new AuditEventResponse(
            reader.GetInt64(0),
            reader.GetString(1),
            reader.GetString(2),
            reader.GetString(3),
            reader.GetString(4),
            reader.GetString(5),
            details.RootElement.Clone(),
            reader.IsDBNull(7) ? null : reader.GetString(7),
            reader.IsDBNull(8) ? null : reader.GetString(8),
            reader.IsDBNull(9) ? null : reader.GetInt32(9),
            reader.IsDBNull(10) ? null : reader.GetInt32(10),
            reader.GetFieldValue<DateTimeOffset>(11));
    }
}
