using Certctl.Gateway.Caching;
using Certctl.Gateway.Certificates;
using Certctl.Gateway.Problems;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Certctl.Gateway.Discovery;

/// <summary>Filters of <c>GET /discovery/certificates</c>, bound with <c>[AsParameters]</c>: exact agent and status (case ignored).</summary>
public sealed class DiscoveryListQuery : IListFilter
{
    private static readonly string[] Statuses = ["Unmanaged", "Managed", "Dismissed"];

    [FromQuery(Name = "agent_id")]
    public string? AgentId { get; init; }

    /// <summary><c>Unmanaged</c>, <c>Managed</c> or <c>Dismissed</c>.</summary>
    [FromQuery(Name = "status")]
    public string? Status { get; init; }

    string IListFilter.Alias => "d";

    /// <summary>The filter predicate and its parameters; 400 on a status that does not exist.</summary>
    public string Predicate(NpgsqlCommand command)
    {
        var conditions = new List<string>();
        if (!string.IsNullOrEmpty(AgentId))
        {
            conditions.Add("d.agent_id = @agent_id");
            command.Parameters.Add(CertificateRows.Text("agent_id", AgentId));
        }

        if (!string.IsNullOrEmpty(Status))
        {
            var status = Statuses.FirstOrDefault(value => string.Equals(value, Status, StringComparison.OrdinalIgnoreCase))
                ?? throw DomainProblemException.Validation("status", $"must be one of {string.Join(", ", Statuses)}");
            conditions.Add("d.status = @status");
            command.Parameters.Add(CertificateRows.Text("status", status));
        }

        return conditions.Count == 0 ? "TRUE" : string.Join(" AND ", conditions);
    }
}
