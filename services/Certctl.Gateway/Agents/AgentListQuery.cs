using Certctl.Domain;
using Certctl.Gateway.Caching;
using Certctl.Gateway.Certificates;
using Certctl.Gateway.Jobs;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Certctl.Gateway.Agents;

/// <summary>The filters of <c>GET /agents</c> (active agents only), bound with <c>[AsParameters]</c>; exact matches.</summary>
public sealed class AgentListQuery : IListFilter
{
    /// <summary>The set of <c>GET /agents/retired</c>, which takes no filter.</summary>
    public static readonly IListFilter Retired = new ListFilter("a", "a.retired_at IS NOT NULL");

    /// <summary>Exact status wire name (<c>Online</c>, <c>Offline</c>, <c>Degraded</c>).</summary>
    [FromQuery(Name = "status")]
    public string? Status { get; init; }

    [FromQuery(Name = "os")]
    public string? Os { get; init; }

    string IListFilter.Alias => "a";

    /// <summary>The filter predicate and its parameters; 400 on a status that does not exist.</summary>
    public string Predicate(NpgsqlCommand command)
    {
        var conditions = new List<string> { "a.retired_at IS NULL" };
        if (JobListQuery.Checked<AgentStatus>("status", Status) is { } wanted)
        {
            conditions.Add("a.status = @status");
            command.Parameters.Add(CertificateRows.Text("status", wanted));
        }

        if (!string.IsNullOrEmpty(Os))
        {
            conditions.Add("a.os = @os");
            command.Parameters.Add(CertificateRows.Text("os", Os));
        }

        return string.Join(" AND ", conditions);
    }
}
