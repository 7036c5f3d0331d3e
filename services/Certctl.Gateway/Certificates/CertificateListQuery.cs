using Certctl.Domain;
using Certctl.Gateway.Caching;
using Certctl.Gateway.Paging;
using Certctl.Gateway.Problems;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Certctl.Gateway.Certificates;

/// <summary>
/// The filters and sort of <c>GET /certificates</c>, bound with <c>[AsParameters]</c>. <c>sort=expires_at</c> lists only
/// certificates that have an expiry: a certificate never issued has none, and leaving it out keeps the keyset on a
/// NOT NULL key (with <c>expires_before</c>/<c>expires_after</c> such rows could never match anyway).
/// </summary>
public sealed class CertificateListQuery : IListFilter
{
    /// <summary>Default order: oldest first, so rows created during a walk appear on later pages.</summary>
    public static readonly TimestampIdKeyset ByCreation = new("c.created_at", "c.id", SortDirection.Ascending);

    /// <summary><c>sort=expires_at</c>: soonest expiry first.</summary>
    public static readonly TimestampIdKeyset ByExpiry = new("c.expires_at", "c.id", SortDirection.Ascending);

    /// <summary>Exact status wire name (<c>Active</c>, <c>RenewalInProgress</c>, …).</summary>
    [FromQuery(Name = "status")]
    public string? Status { get; init; }

    [FromQuery(Name = "issuer_id")]
    public string? IssuerId { get; init; }

    [FromQuery(Name = "owner_id")]
    public string? OwnerId { get; init; }

    [FromQuery(Name = "team_id")]
    public string? TeamId { get; init; }

    /// <summary>Matched against <c>certificate_profile_id</c>.</summary>
    [FromQuery(Name = "profile_id")]
    public string? ProfileId { get; init; }

    /// <summary>Names starting with this text (case-sensitive).</summary>
    [FromQuery(Name = "name_prefix")]
    public string? NamePrefix { get; init; }

    /// <summary>Expiring strictly before this instant (RFC 3339).</summary>
    [FromQuery(Name = "expires_before")]
    public string? ExpiresBefore { get; init; }

    /// <summary>Expiring strictly after this instant (RFC 3339).</summary>
    [FromQuery(Name = "expires_after")]
    public string? ExpiresAfter { get; init; }

    /// <summary><c>created_at</c> (default) or <c>expires_at</c>.</summary>
    [FromQuery(Name = "sort")]
    public string? Sort { get; init; }

    string IListFilter.Alias => "c";

    /// <inheritdoc/>
    public string Predicate(NpgsqlCommand command) => Where(command, Keyset());

    /// <summary>The keyset for <see cref="Sort"/>; anything else is a 400.</summary>
    public TimestampIdKeyset Keyset() => Sort switch
    {
        null or "" or "created_at" => ByCreation,
        "expires_at" => ByExpiry,
        _ => throw DomainProblemException.Validation("sort", "must be created_at or expires_at"),
    };

    /// <summary>The filter predicate (ANDed conditions) and adds its parameters to <paramref name="command"/>; 400 on a bad status.</summary>
    public string Where(NpgsqlCommand command, TimestampIdKeyset keyset)
    {
        var conditions = new List<string>();
        if (!string.IsNullOrEmpty(Status))
        {
            // Exact wire names only (the parse ignores case, so compare the spelling too).
            if (!WireNames<CertificateStatus>.TryParse(Status, out var status) || status.ToWire() != Status)
            {
                throw DomainProblemException.Validation("status",
                    $"must be one of {string.Join(", ", WireNames<CertificateStatus>.Values.Select(value => value.ToWire()))}");
            }

            Add("c.status = @status", CertificateRows.Text("status", Status));
        }

        AddEquals("c.issuer_id", "issuer_id", IssuerId);
        AddEquals("c.owner_id", "owner_id", OwnerId);
        AddEquals("c.team_id", "team_id", TeamId);
        AddEquals("c.certificate_profile_id", "profile_id", ProfileId);
        if (!string.IsNullOrEmpty(NamePrefix))
        {
            // A range on the byte ("C") order is exact for a prefix: every name starting with it sorts between the prefix and
            // the prefix followed by the highest code point. No LIKE, so '%' and '_' in a name need no escaping.
            Add("c.name COLLATE \"C\" >= @name_prefix AND c.name COLLATE \"C\" < (@name_prefix || chr(1114111))",
                CertificateRows.Text("name_prefix", NamePrefix));
        }

        if (QueryInstant.Parse("expires_before", ExpiresBefore) is { } before)
        {
            Add("c.expires_at < @expires_before", CertificateRows.Timestamp("expires_before", before));
        }

        if (QueryInstant.Parse("expires_after", ExpiresAfter) is { } after)
        {
            Add("c.expires_at > @expires_after", CertificateRows.Timestamp("expires_after", after));
        }

        if (ReferenceEquals(keyset, ByExpiry))
        {
            conditions.Add("c.expires_at IS NOT NULL");
        }

        return conditions.Count == 0 ? "TRUE" : string.Join(" AND ", conditions);

        void AddEquals(string column, string parameter, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                Add($"{column} = @{parameter}", CertificateRows.Text(parameter, value));
            }
        }

        void Add(string condition, NpgsqlParameter parameter)
        {
            conditions.Add(condition);
            command.Parameters.Add(parameter);
        }
    }
}
