using Certctl.Domain;
using Certctl.Gateway.Certificates;
using Certctl.Gateway.Problems;
using Npgsql;

namespace Certctl.Gateway.Bulk;

/// <summary>
/// The certificates a bulk operation addresses: explicit ids, a filter, or both (intersected). Turns the criteria into one
/// WHERE clause over <c>managed_certificates c</c>, so a match of any size is one statement (the original stopped at 50 rows).
/// </summary>
internal sealed class BulkSelection
{
    private const int MaxTextLength = 255;

    private BulkSelection(string[]? ids, BulkCertificateFilter? filter)
    {
        Ids = ids?.Distinct(StringComparer.Ordinal).ToArray();
        Filter = filter;
    }

    /// <summary>The distinct ids sent, or null when the request named none.</summary>
    public string[]? Ids { get; }

    public BulkCertificateFilter? Filter { get; }

    /// <summary>Validates the criteria into <paramref name="errors"/>; at least one criterion is required.</summary>
    public static BulkSelection Parse(string[]? ids, BulkCertificateFilter? filter, FieldErrors errors)
    {
        var hasIds = ids is { Length: > 0 };
        var hasFilter = filter is not null && new[] { filter.Status, filter.IssuerId, filter.OwnerId, filter.TeamId, filter.ProfileId, filter.NamePrefix }
            .Any(value => !string.IsNullOrEmpty(value));
        errors.AddIf(!hasIds && !hasFilter, "certificate_ids",
                "at least one criterion is required: certificate_ids or a filter (status, issuer_id, owner_id, team_id, profile_id, name_prefix)")
            .AddIf(ids is not null && ids.Any(string.IsNullOrWhiteSpace), "certificate_ids", "must not contain blank entries")
            .AddIf(ids is not null && ids.Any(id => id?.Length > MaxTextLength), "certificate_ids", $"entries must be at most {MaxTextLength} characters");
        if (filter?.Status is { Length: > 0 } status && (!WireNames<CertificateStatus>.TryParse(status, out var parsed) || parsed.ToWire() != status))
        {
            errors.Add("filter.status", $"must be one of {string.Join(", ", WireNames<CertificateStatus>.Values.Select(value => value.ToWire()))}");
        }

        return new BulkSelection(hasIds ? ids : null, filter);
    }

    /// <summary>The WHERE clause over <c>c</c>; binds its parameters on <paramref name="command"/>.</summary>
    public string Where(NpgsqlCommand command)
    {
        var clauses = new List<string>();
        void Add(string clause, string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                clauses.Add(clause);
                command.Parameters.Add(CertificateRows.Text(name, value));
            }
        }

        if (Ids is not null)
        {
            clauses.Add("c.id = ANY (@bulk_ids)");
            command.Parameters.Add(CertificateRows.TextArray("bulk_ids", Ids));
        }

        Add("c.status = @bulk_status", "bulk_status", Filter?.Status);
        Add("c.issuer_id = @bulk_issuer", "bulk_issuer", Filter?.IssuerId);
        Add("c.owner_id = @bulk_owner", "bulk_owner", Filter?.OwnerId);
        Add("c.team_id = @bulk_team", "bulk_team", Filter?.TeamId);
        Add("c.certificate_profile_id = @bulk_profile", "bulk_profile", Filter?.ProfileId);
        Add("starts_with(c.name, @bulk_name_prefix)", "bulk_name_prefix", Filter?.NamePrefix);
        return clauses.Count == 0 ? "FALSE" : string.Join(" AND ", clauses);
    }

    /// <summary>Counts the ids sent that did not match: unknown ones as <c>not found</c>, the others as <c>does not match filter</c>.</summary>
    public async Task CountUnmatchedAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlySet<string> matched, BulkSkips skips, CancellationToken cancellationToken)
    {
        if (Ids is null)
        {
            return;
        }

        var unmatched = Ids.Where(id => !matched.Contains(id)).ToArray();
        if (unmatched.Length == 0)
        {
            return;
        }

        await using var command = new NpgsqlCommand("SELECT count(*) FROM managed_certificates WHERE id = ANY (@ids)", connection, transaction);
        command.Parameters.Add(CertificateRows.TextArray("ids", unmatched));
        var existing = (int)(long)(await command.ExecuteScalarAsync(cancellationToken))!;
        skips.Add(BulkSkips.FilterMismatch, existing);
        skips.Add(BulkSkips.NotFound, unmatched.Length - existing);
    }

    /// <summary>The criteria as recorded in the audit row: the filter, the number of ids and the first hundred of them.</summary>
    public Dictionary<string, object?> ForAudit() => new()
    {
        ["filter"] = Filter,
        ["certificate_id_count"] = Ids?.Length ?? 0,
        ["certificate_ids"] = Ids?.Take(100).ToArray(),
    };
}
