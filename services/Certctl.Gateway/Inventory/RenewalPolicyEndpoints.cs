using System.Text.Json;
using Certctl.Domain;
using Certctl.Gateway.Paging;
using Certctl.Gateway.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using NpgsqlTypes;
using static Certctl.Gateway.Inventory.InventorySql;

namespace Certctl.Gateway.Inventory;

/// <summary>When and how certificates under this policy are renewed and who is alerted before expiry.</summary>
public sealed record RenewalPolicy(
    string Id,
    string Name,
    int RenewalWindowDays,
    decimal? RenewalWindowFraction,
    bool AutoRenew,
    int MaxRetries,
    int RetryIntervalSeconds,
    int[] AlertThresholdsDays,
    Dictionary<string, string[]> AlertChannels,
    Dictionary<string, string> AlertSeverityMap,
    string? CertificateProfileId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>Body of a renewal policy create (id optional) or full replace; absent fields take the defaults.</summary>
public sealed record RenewalPolicyRequest(
    string? Id,
    string? Name,
    int? RenewalWindowDays,
    decimal? RenewalWindowFraction,
    bool? AutoRenew,
    int? MaxRetries,
    int? RetryIntervalSeconds,
    int[]? AlertThresholdsDays,
    Dictionary<string, string[]>? AlertChannels,
    Dictionary<string, string>? AlertSeverityMap,
    string? CertificateProfileId);

/// <summary><c>/api/v1/renewal-policies</c>: list, get, create, replace, delete (409 while certificates use the policy).</summary>
public static class RenewalPolicyEndpoints
{
    private const string Columns = """
        id, name, renewal_window_days, renewal_window_fraction, auto_renew, max_retries, retry_interval_seconds,
        alert_thresholds_days, alert_channels::text, alert_severity_map::text, certificate_profile_id, created_at, updated_at
        """;

    private static readonly int[] DefaultThresholds = [30, 14, 7, 0];
    private static readonly string[] Tiers = ["informational", "warning", "critical"];
    private static readonly string[] Channels = ["Email", "Webhook", "Slack", "Teams", "PagerDuty", "OpsGenie"];

    public static RouteGroupBuilder MapRenewalPolicyEndpoints(this RouteGroupBuilder api)
    {
        var policies = api.MapGroup("/renewal-policies").WithTags("Renewal policies");
        policies.MapGet("", ListRenewalPolicies).WithName(nameof(ListRenewalPolicies)).WithSummary("Lists renewal policies, oldest first, a cursor page at a time.");
        policies.MapGet("/{id}", GetRenewalPolicy).WithName(nameof(GetRenewalPolicy)).WithSummary("Gets a renewal policy.");
        policies.MapPost("", CreateRenewalPolicy).WithName(nameof(CreateRenewalPolicy)).WithSummary("Creates a renewal policy; absent fields take the defaults.");
        policies.MapPut("/{id}", UpdateRenewalPolicy).WithName(nameof(UpdateRenewalPolicy)).WithSummary("Replaces a renewal policy; absent fields take the defaults.");
        policies.MapDelete("/{id}", DeleteRenewalPolicy).WithName(nameof(DeleteRenewalPolicy)).WithSummary("Deletes a renewal policy no certificate uses.");
        return api;
    }

    public static async Task<Ok<Page<RenewalPolicy>>> ListRenewalPolicies(
        [AsParameters] PageRequest page, CursorCodec cursors, NpgsqlDataSource db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await ListAsync(db, "renewal_policies", Columns, page, cursors, Read, policy => new KeysetPosition(policy.CreatedAt, policy.Id), cancellationToken));

    public static Task<Results<Ok<RenewalPolicy>, ProblemHttpResult>> GetRenewalPolicy(
        string id, NpgsqlDataSource db, CancellationToken cancellationToken) =>
        GetAsync(db, "renewal_policies", Columns, "renewal policy", id, Read, cancellationToken);

    public static async Task<Results<Created<RenewalPolicy>, ValidationProblem>> CreateRenewalPolicy(
        RenewalPolicyRequest body, IdGenerator ids, NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        var errors = Validate(IdAndName(body.Id, body.Name), body);
        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        await using var command = db.CreateCommand($"""
            INSERT INTO renewal_policies (id, name, renewal_window_days, renewal_window_fraction, auto_renew, max_retries,
                retry_interval_seconds, alert_thresholds_days, alert_channels, alert_severity_map, certificate_profile_id)
            VALUES (@id, @name, @window_days, @window_fraction, @auto_renew, @max_retries, @retry_interval, @thresholds,
                @channels, @severity_map, @profile_id)
            RETURNING {Columns}
            """);
        AddFields(command, IdFor(body.Id, ids, IdPrefix.RenewalPolicy), body);
        var policy = (await SingleOrDefaultAsync(command, Read, cancellationToken))!;
        return TypedResults.Created($"/api/v1/renewal-policies/{Uri.EscapeDataString(policy.Id)}", policy);
    }

    public static async Task<Results<Ok<RenewalPolicy>, ValidationProblem, ProblemHttpResult>> UpdateRenewalPolicy(
        string id, RenewalPolicyRequest body, NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        var errors = Validate(IdAndName(null, body.Name), body);
        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        await using var command = db.CreateCommand($"""
            UPDATE renewal_policies SET name = @name, renewal_window_days = @window_days, renewal_window_fraction = @window_fraction,
                auto_renew = @auto_renew, max_retries = @max_retries, retry_interval_seconds = @retry_interval,
                alert_thresholds_days = @thresholds, alert_channels = @channels, alert_severity_map = @severity_map,
                certificate_profile_id = @profile_id, updated_at = now()
            WHERE id = @id
            RETURNING {Columns}
            """);
        AddFields(command, id, body);
        return await SingleOrDefaultAsync(command, Read, cancellationToken) is { } policy ? TypedResults.Ok(policy) : NotFound("renewal policy", id);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteRenewalPolicy(string id, NpgsqlDataSource db, CancellationToken cancellationToken) =>
        await DeleteAsync(db, "renewal_policies", id, cancellationToken) ? TypedResults.NoContent() : NotFound("renewal policy", id);

    // §4.3 bounds, answered as 400 with field errors (the original let the database refuse them and answered 500).
    private static FieldErrors Validate(FieldErrors errors, RenewalPolicyRequest body)
    {
        if (body.RenewalWindowDays is { } days)
        {
            errors.Range("renewal_window_days", days, 1, 365);
        }

        errors.AddIf(body.RenewalWindowFraction is <= 0m or >= 1m, "renewal_window_fraction", "must be greater than 0 and less than 1");
        errors.AddIf(body.RenewalWindowFraction is { } fraction && decimal.Round(fraction, 4) != fraction, "renewal_window_fraction", "must have at most 4 decimal places");
        if (body.MaxRetries is { } retries)
        {
            errors.Range("max_retries", retries, 0, 10);
        }

        if (body.RetryIntervalSeconds is { } interval)
        {
            errors.Range("retry_interval_seconds", interval, 60, 86400);
        }

        errors.AddIf(body.AlertThresholdsDays?.Any(day => day is < 0 or > 365) == true, "alert_thresholds_days", "each entry must be between 0 and 365");
        foreach (var (tier, channels) in body.AlertChannels ?? [])
        {
            errors.AddIf(!Tiers.Contains(tier), "alert_channels", $"'{tier}' is not a tier ({string.Join(", ", Tiers)})");
            foreach (var channel in channels ?? [])
            {
                errors.AddIf(!Channels.Contains(channel), "alert_channels", $"'{channel}' is not a channel ({string.Join(", ", Channels)})");
            }
        }

        foreach (var (day, tier) in body.AlertSeverityMap ?? [])
        {
            errors.AddIf(!int.TryParse(day, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) || value > 365,
                "alert_severity_map", $"'{day}' is not a threshold in days (0 to 365)");
            errors.AddIf(!Tiers.Contains(tier), "alert_severity_map", $"'{tier}' is not a tier ({string.Join(", ", Tiers)})");
        }

        return errors.MaxLength("certificate_profile_id", body.CertificateProfileId, MaxTextLength);
    }

    private static void AddFields(NpgsqlCommand command, string id, RenewalPolicyRequest body)
    {
        command.Parameters.Add(Param("id", id));
        command.Parameters.Add(Param("name", body.Name));
        command.Parameters.Add(Param("window_days", NpgsqlDbType.Integer, body.RenewalWindowDays ?? 30));
        command.Parameters.Add(Param("window_fraction", NpgsqlDbType.Numeric, body.RenewalWindowFraction));
        command.Parameters.Add(Param("auto_renew", NpgsqlDbType.Boolean, body.AutoRenew ?? true));
        command.Parameters.Add(Param("max_retries", NpgsqlDbType.Integer, body.MaxRetries ?? 3));
        command.Parameters.Add(Param("retry_interval", NpgsqlDbType.Integer, body.RetryIntervalSeconds ?? 3600));
        command.Parameters.Add(Param("thresholds", NpgsqlDbType.Array | NpgsqlDbType.Integer, body.AlertThresholdsDays ?? DefaultThresholds));
        command.Parameters.Add(Param("channels", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(body.AlertChannels ?? [])));
        command.Parameters.Add(Param("severity_map", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(body.AlertSeverityMap ?? [])));
        command.Parameters.Add(Param("profile_id", NpgsqlDbType.Text, string.IsNullOrEmpty(body.CertificateProfileId) ? null : body.CertificateProfileId));
    }

    private static RenewalPolicy Read(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetInt32(2),
        reader.IsDBNull(3) ? null : reader.GetDecimal(3),
        reader.GetBoolean(4),
        reader.GetInt32(5),
        reader.GetInt32(6),
        reader.GetFieldValue<int[]>(7),
        JsonSerializer.Deserialize<Dictionary<string, string[]>>(reader.GetString(8)) ?? [],
        JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(9)) ?? [],
        reader.IsDBNull(10) ? null : reader.GetString(10),
        reader.GetFieldValue<DateTimeOffset>(11),
        reader.GetFieldValue<DateTimeOffset>(12));
}
