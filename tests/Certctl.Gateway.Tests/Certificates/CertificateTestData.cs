using System.Net.Http.Json;
using System.Text.Json;
using Certctl.Gateway.Certificates;

namespace Certctl.Gateway.Tests.Certificates;

/// <summary>Starts the gateway with the certificate endpoints and arranges certificate rows on the demo seed.</summary>
internal static class CertificateTestData
{
    public static Task<GatewayHost> StartAsync(string connectionString, ITestOutputHelper output) =>
        GatewayHost.StartAsync(connectionString, output, api => api.MapCertificateEndpoints());

    /// <summary>Inserts a certificate linked to the seed's iss-local, o-alice, t-platform and rp-standard unless told otherwise.</summary>
    public static Task InsertAsync(
        string connectionString, string id, string? status = "Active", DateTime? expiresAt = null, DateTime? createdAt = null,
        string owner = "o-alice", string team = "t-platform", string? profile = null, string keygen = "agent", string issuer = "iss-local") =>
        Sql.ExecuteAsync(connectionString,
            """
            INSERT INTO managed_certificates (id, name, common_name, owner_id, team_id, issuer_id, renewal_policy_id, certificate_profile_id,
                                              status, expires_at, keygen_mode, created_at)
            VALUES ($1, $1, $1 || '.example.com', $2, $3, $4, 'rp-standard', $5, $6, $7, $8, $9)
            """,
            id, owner, team, issuer, profile, status, (object?)expiresAt ?? DBNull.Value, keygen, createdAt ?? DateTime.UtcNow);

    /// <summary>Adds an issued version with the given serial to a certificate.</summary>
    public static Task AddVersionAsync(string connectionString, string certificateId, string serial, DateTime createdAt) =>
        Sql.ExecuteAsync(connectionString,
            """
            INSERT INTO certificate_versions (id, certificate_id, issuer_id, serial_number, not_before, not_after, fingerprint_sha256, pem_chain, created_at)
            VALUES ($1 || '-' || $2, $1, 'iss-local', $2, $3 - interval '1 day', $3 + interval '90 days', $1 || '-fp-' || $2, 'PEM', $3)
            """,
            certificateId, serial, createdAt);

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).Clone();

    public static string[] Ids(JsonElement page) =>
        page.GetProperty("data").EnumerateArray().Select(row => row.GetProperty("id").GetString()!).ToArray();

    public static object NewCertificate(string name, object? extra = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["name"] = name,
            ["common_name"] = $"{name}.example.com",
            ["owner_id"] = "o-alice",
            ["team_id"] = "t-platform",
            ["issuer_id"] = "iss-local",
            ["renewal_policy_id"] = "rp-standard",
        };
        foreach (var property in JsonSerializer.SerializeToElement(extra ?? new { }).EnumerateObject())
        {
            body[property.Name] = property.Value;
        }

        return body;
    }
}
