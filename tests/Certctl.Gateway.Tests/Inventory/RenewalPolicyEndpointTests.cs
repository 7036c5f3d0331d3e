using System.Net;
using System.Text.Json;
using static Certctl.Gateway.Tests.Inventory.InventoryHttp;

namespace Certctl.Gateway.Tests.Inventory;

/// <summary>Renewal policies through the real gateway: defaults, §4.3 bounds as 400s, references and conflicts.</summary>
public sealed class RenewalPolicyEndpointTests(MigratedDatabaseFixture<RenewalPolicyEndpointTests> database, ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<RenewalPolicyEndpointTests>>
{
    [Fact]
    public async Task A_policy_round_trips_with_defaults_and_a_full_replace()
    {
        await using var gateway = await InventoryHost.StartAsync(database.ConnectionString, output);
        using var client = gateway.Client();

        var created = await SendAsync(client, HttpMethod.Post, "/api/v1/renewal-policies", new { name = "Defaults" }, HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        Assert.StartsWith("rp-", id);
        Assert.Equal(30, created.GetProperty("renewal_window_days").GetInt32());
        Assert.Equal(3600, created.GetProperty("retry_interval_seconds").GetInt32());
        Assert.Equal(3, created.GetProperty("max_retries").GetInt32());
        Assert.True(created.GetProperty("auto_renew").GetBoolean());
        Assert.Equal([30, 14, 7, 0], created.GetProperty("alert_thresholds_days").EnumerateArray().Select(day => day.GetInt32()));

        var replaced = await SendAsync(client, HttpMethod.Put, $"/api/v1/renewal-policies/{id}", new
        {
            name = "Tight",
            renewal_window_days = 10,
            renewal_window_fraction = 0.6667m,
            auto_renew = false,
            max_retries = 10,
            retry_interval_seconds = 60,
            alert_thresholds_days = new[] { 365, 0 },
            alert_channels = new Dictionary<string, string[]> { ["critical"] = ["PagerDuty", "Email"] },
            alert_severity_map = new Dictionary<string, string> { ["0"] = "critical" },
            certificate_profile_id = "prof-standard-tls",
        }, HttpStatusCode.OK);
        Assert.Equal(0.6667m, replaced.GetProperty("renewal_window_fraction").GetDecimal());
        Assert.False(replaced.GetProperty("auto_renew").GetBoolean());
        Assert.Equal("prof-standard-tls", replaced.GetProperty("certificate_profile_id").GetString());

        var fetched = await SendAsync(client, HttpMethod.Get, $"/api/v1/renewal-policies/{id}", null, HttpStatusCode.OK);
        Assert.Equal("Tight", fetched.GetProperty("name").GetString());
        Assert.Equal("PagerDuty", fetched.GetProperty("alert_channels").GetProperty("critical")[0].GetString());
        Assert.Equal("critical", fetched.GetProperty("alert_severity_map").GetProperty("0").GetString());

        using (var deleted = await client.DeleteAsync($"/api/v1/renewal-policies/{id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        await ProblemAsync(client, HttpMethod.Get, $"/api/v1/renewal-policies/{id}", null, HttpStatusCode.NotFound);
        await ProblemAsync(client, HttpMethod.Put, $"/api/v1/renewal-policies/{id}", new { name = "x" }, HttpStatusCode.NotFound);
        await ProblemAsync(client, HttpMethod.Delete, $"/api/v1/renewal-policies/{id}", null, HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("renewal_window_days", 0)]
    [InlineData("renewal_window_days", 366)]
    [InlineData("max_retries", -1)]
    [InlineData("max_retries", 11)]
    [InlineData("retry_interval_seconds", 59)]
    [InlineData("retry_interval_seconds", 86401)]
    public async Task Out_of_bounds_numbers_are_400_with_the_field_named(string field, int value)
    {
        await using var gateway = await InventoryHost.StartAsync(database.ConnectionString, output);
        using var client = gateway.Client();

        var problem = await ProblemAsync(client, HttpMethod.Post, "/api/v1/renewal-policies",
            new Dictionary<string, object> { ["name"] = $"Bounds {field} {value}", [field] = value }, HttpStatusCode.BadRequest);
        Assert.True(problem.Errors.TryGetProperty(field, out _), problem.Body.ToString());
        await ProblemAsync(client, HttpMethod.Put, "/api/v1/renewal-policies/rp-standard",
            new Dictionary<string, object> { ["name"] = "Standard", [field] = value }, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Bad_thresholds_fractions_channels_and_names_are_400()
    {
        await using var gateway = await InventoryHost.StartAsync(database.ConnectionString, output);
        using var client = gateway.Client();

        var problem = await ProblemAsync(client, HttpMethod.Post, "/api/v1/renewal-policies", new
        {
            name = "",
            renewal_window_fraction = 1.5m,
            alert_thresholds_days = new[] { 30, 366 },
            alert_channels = new Dictionary<string, string[]> { ["urgent"] = ["Pigeon"] },
            alert_severity_map = new Dictionary<string, string> { ["soon"] = "loud" },
        }, HttpStatusCode.BadRequest);
        foreach (var field in new[] { "name", "renewal_window_fraction", "alert_thresholds_days", "alert_channels", "alert_severity_map" })
        {
            Assert.True(problem.Errors.TryGetProperty(field, out _), field);
        }
    }

    [Fact]
    public async Task Unknown_profile_is_422_duplicate_name_409_and_a_used_policy_cannot_be_deleted()
    {
        await using var gateway = await InventoryHost.StartAsync(database.ConnectionString, output);
        using var client = gateway.Client();

        await ProblemAsync(client, HttpMethod.Post, "/api/v1/renewal-policies", new { name = "Orphan", certificate_profile_id = "prof-nowhere" }, HttpStatusCode.UnprocessableEntity);
        await ProblemAsync(client, HttpMethod.Post, "/api/v1/renewal-policies", new { name = "Standard" }, HttpStatusCode.Conflict);
        await ProblemAsync(client, HttpMethod.Delete, "/api/v1/renewal-policies/rp-standard", null, HttpStatusCode.Conflict);
        using var response = await gateway.Client(key: null).GetAsync("/api/v1/renewal-policies/rp-standard");
        await ProblemJson.ReadAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Walking_the_list_returns_every_policy_once()
    {
        for (var i = 0; i < 17; i++)
        {
            await Sql.ExecuteAsync(database.ConnectionString,
                "INSERT INTO renewal_policies (id, name, created_at) VALUES ($1, $1, timestamptz '2026-01-01' + ($2 / 4) * interval '1 second') ON CONFLICT DO NOTHING",
                $"rp-walk-{i:00}", i);
        }

        await using var gateway = await InventoryHost.StartAsync(database.ConnectionString, output);
        var walked = await WalkIdsAsync(gateway.Client(), "/api/v1/renewal-policies", limit: 3);
        var all = (await Sql.RowsAsync(database.ConnectionString, "SELECT id FROM renewal_policies ORDER BY created_at, id")).Select(row => (string)row["id"]!);
        Assert.Equal(all, walked);
        Assert.Equal(walked.Count, walked.Distinct().Count());
    }
}
