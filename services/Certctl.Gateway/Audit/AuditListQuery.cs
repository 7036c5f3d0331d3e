using Certctl.Gateway.Caching;
using Certctl.Gateway.Certificates;
using Certctl.Gateway.Paging;
using Certctl.Gateway.Problems;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Certctl.Gateway.Audit;

/// <summary>The filters of <c>GET /audit</c>, bound with <c>[AsParameters]</c>: exact actor and resource, and an occurred_at range.</summary>
public sealed class AuditListQuery : IListFilter
{
    [FromQuery(Name = "actor")]
    public string? Actor { get; init; }

    [FromQuery(Name = "resource_type")]
    public string? ResourceType { get; init; }

    [FromQuery(Name = "resource_id")]
    public string? ResourceId { get; init; }

    /// <summary>Occurred at or after this instant (RFC 3339).</summary>
    [FromQuery(Name = "from")]
    public string? From { get; init; }

    /// <summary>Occurred strictly before this instant (RFC 3339).</summary>
    [FromQuery(Name = "to")]
    public string? To { get; init; }

    string IListFilter.Alias => "a";

    /// <summary>The filter predicate and its parameters; 400 on a time that is not RFC 3339.</summary>
    public string Predicate(NpgsqlCommand command)
    {
        var conditions = new List<string>();
        AddEquals("a.actor", "actor", Actor);
        AddEquals("a.resource_type", "resource_type", ResourceType);
        AddEquals("a.resource_id", "resource_id", ResourceId);
        if (QueryInstant.Parse("from", From) is { } from)
        {
            conditions.Add("a.occurred_at >= @from");
            command.Parameters.Add(CertificateRows.Timestamp("from", from));
        }

        if (QueryInstant.Parse("to", To) is { } to)
        {
            conditions.Add("a.occurred_at < @to");
            command.Parameters.Add(CertificateRows.Timestamp("to", to));
        }

        return conditions.Count == 0 ? "TRUE" : string.Join(" AND ", conditions);

        void AddEquals(string column, string parameter, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                conditions.Add($"{column} = @{parameter}");
                command.Parameters.Add(CertificateRows.Text(parameter, value));
            }
        }
    }
}
