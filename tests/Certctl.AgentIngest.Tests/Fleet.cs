using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Certctl.Secrets;

namespace Certctl.AgentIngest.Tests;

/// <summary>Arranges agents, targets, certificates and jobs for the agent tests, through the API where there is one and SQL where not.</summary>
internal static class Fleet
{
    /// <summary>A registered agent: its id and its one-time token.</summary>
    public sealed record Agent(string Id, string Token);

    public static async Task<Agent> RegisterAsync(IngestHost host, string name)
    {
        using var client = host.Client(IngestHost.BootstrapToken);
        using var response = await client.PostAsJsonAsync("/api/v1/agents", new { name, hostname = $"{name}.example.test", os = "linux" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new Agent(body.GetProperty("id").GetString()!, body.GetProperty("api_key").GetString()!);
    }

    /// <summary>A target of <paramref name="agentId"/> whose full configuration is sealed as the gateway seals it and whose display copy is redacted.</summary>
    public static async Task CreateTargetAsync(string connectionString, string targetId, string agentId, JsonObject config)
    {
        var cipher = new ConfigurationCipher(Convert.FromBase64String(IngestHost.EncryptionKey));
        var redacted = new JsonObject();
        foreach (var (key, value) in config)
        {
            redacted[key] = key.Contains("password", StringComparison.Ordinal) || key.Contains("key", StringComparison.Ordinal) ? "********" : value?.DeepClone();
        }

        await Sql.ExecuteAsync(connectionString,
            "INSERT INTO deployment_targets (id, name, type, agent_id, config, encrypted_config) VALUES ($1, $1, 'NGINX', $2, $3::jsonb, $4)",
            targetId, agentId, redacted.ToJsonString(), cipher.Encrypt(JsonSerializer.SerializeToUtf8Bytes(config), targetId));
    }

    /// <summary>A certificate (agent key mode) mapped to <paramref name="targetId"/>.</summary>
    public static async Task CreateCertificateAsync(string connectionString, string certificateId, string? targetId, string profile = "prof-standard-tls")
    {
        await Sql.ExecuteAsync(connectionString,
            """
            INSERT INTO managed_certificates (id, name, common_name, sans, owner_id, team_id, issuer_id, renewal_policy_id, certificate_profile_id, status, expires_at)
            VALUES ($1, $1, $1 || '.example.test', ARRAY[$1 || '.example.test'], 'o-alice', 't-platform', 'iss-local', 'rp-standard', $2, 'Active', now() + interval '20 days')
            """,
            certificateId, profile);
        if (targetId is not null)
        {
            await Sql.ExecuteAsync(connectionString, "INSERT INTO certificate_target_mappings (certificate_id, target_id) VALUES ($1, $2)", certificateId, targetId);
        }
    }

    public static Task InsertJobAsync(string connectionString, string jobId, string type, string certificateId, string status, string? targetId = null,
        string? agentId = null) =>
        Sql.ExecuteAsync(connectionString,
            "INSERT INTO jobs (id, type, certificate_id, status, target_id, agent_id) VALUES ($1, $2, $3, $4, $5, $6)",
            jobId, type, certificateId, status, targetId, agentId);

    public static Task<string?> JobStatusAsync(string connectionString, string jobId) =>
        Sql.ScalarAsync<string>(connectionString, "SELECT status FROM jobs WHERE id = $1", jobId);
}
