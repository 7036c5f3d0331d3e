using Certctl.Domain;
using Certctl.Gateway.Caching;
using Certctl.Gateway.Certificates;
using Certctl.Gateway.Problems;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Certctl.Gateway.Jobs;

/// <summary>The filters of <c>GET /jobs</c>, bound with <c>[AsParameters]</c>; every filter is an exact match.</summary>
public sealed class JobListQuery : IListFilter
{
    /// <summary>Exact status wire name (<c>Pending</c>, <c>AwaitingCSR</c>, …).</summary>
    [FromQuery(Name = "status")]
    public string? Status { get; init; }

    /// <summary>Exact type wire name (<c>Issuance</c>, <c>Renewal</c>, <c>Deployment</c>, <c>Validation</c>).</summary>
    [FromQuery(Name = "type")]
    public string? Type { get; init; }

    [FromQuery(Name = "certificate_id")]
    public string? CertificateId { get; init; }

    [FromQuery(Name = "agent_id")]
    public string? AgentId { get; init; }

    string IListFilter.Alias => "j";

    /// <inheritdoc/>
    public string Predicate(NpgsqlCommand command) => Where(command);

    /// <summary>The filter predicate and its parameters; 400 on a status or type that does not exist.</summary>
    public string Where(NpgsqlCommand command)
    {
        var conditions = new List<string>();
        Add("j.status", "status", Checked<JobStatus>("status", Status));
        Add("j.type", "type", Checked<JobType>("type", Type));
        Add("j.certificate_id", "certificate_id", CertificateId);
        Add("j.agent_id", "agent_id", AgentId);
        return conditions.Count == 0 ? "TRUE" : string.Join(" AND ", conditions);

        void Add(string column, string parameter, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                conditions.Add($"{column} = @{parameter}");
                command.Parameters.Add(CertificateRows.Text(parameter, value));
            }
        }
    }

    /// <summary>The value when it is an exact wire name of <typeparamref name="T"/>; a 400 otherwise.</summary>
    internal static string? Checked<T>(string field, string? value) where T : struct, Enum
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        // The parse ignores case, so compare the spelling too.
        return WireNames<T>.TryParse(value, out var parsed) && parsed.ToWire() == value
            ? value
            : throw DomainProblemException.Validation(field, $"must be one of {string.Join(", ", WireNames<T>.Values.Select(v => v.ToWire()))}");
    }
}
