using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Certctl.Gateway.Tests.Inventory;

namespace Certctl.Gateway.Tests.Fleet;

/// <summary>Calls and arranged rows shared by the fleet tests.</summary>
internal static class FleetHost
{
    public static Task<FleetGateway> StartAsync(string connectionString, ITestOutputHelper output) => FleetGateway.StartAsync(connectionString, output);

    public static async Task<JsonElement> PostAsync(HttpClient client, string path, object? body, HttpStatusCode expected)
    {
        using var response = await client.PostAsJsonAsync(path, body);
        return await InventoryHttp.ReadJsonAsync(response, expected);
    }

    public static async Task<ProblemJson> PostProblemAsync(HttpClient client, string path, object? body, HttpStatusCode expected)
    {
        using var response = await client.PostAsJsonAsync(path, body);
        return await ProblemJson.ReadAsync(response, expected);
    }

    /// <summary>Inserts <paramref name="count"/> certificates <c>{prefix}{n:D5}</c> in one statement (expiring in 20 days, agent keygen).</summary>
    public static Task InsertManyAsync(string connectionString, string prefix, int count, string status = "Active", string? profile = null) =>
        Sql.ExecuteAsync(connectionString,
            """
            INSERT INTO managed_certificates (id, name, common_name, owner_id, team_id, issuer_id, renewal_policy_id, certificate_profile_id, status, expires_at)
            SELECT $1 || lpad(n::text, 5, '0'), $1 || lpad(n::text, 5, '0'), $1 || n || '.example.com', 'o-alice', 't-platform', 'iss-local',
                   'rp-standard', $2, $3, now() + interval '20 days'
            FROM generate_series(1, $4) AS n
            """,
            prefix, profile, status, count);

    public static Dictionary<string, int> Skipped(JsonElement result) =>
        result.GetProperty("skipped").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
}
