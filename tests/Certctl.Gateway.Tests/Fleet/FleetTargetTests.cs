using System.Net;
using System.Text;
using System.Text.Json;
using Certctl.Gateway.Security;
using Certctl.Secrets;
using Certctl.Gateway.Tests.Inventory;
using static Certctl.Gateway.Tests.Inventory.InventoryHttp;

namespace Certctl.Gateway.Tests.Fleet;

/// <summary>Deployment targets: CRUD, secrets encrypted and never returned, <c>********</c> keeps them, agents checked.</summary>
public sealed class FleetTargetTests(MigratedDatabaseFixture<FleetTargetTests> database, ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<FleetTargetTests>>
{
    private const string Secret = "s3cret-token-value";

    [Fact]
    public async Task Crud_keeps_the_secret_encrypted_and_out_of_every_response()
    {
        var db = database.ConnectionString;
        await using var gateway = await FleetHost.StartAsync(db, output);
        using var client = gateway.Client();

        using var createResponse = await client.PostAsync("/api/v1/targets", Json(new
        {
            name = "tgt-crud", type = "nginx", agent_id = "ag-web-prod",
            config = new { cert_path = "/etc/ssl/c.pem", api_token = Secret },
        }));
        var createText = await createResponse.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Created, createResponse.StatusCode);
        Assert.DoesNotContain(Secret, createText);
        var created = JsonDocument.Parse(createText).RootElement;
        var id = created.GetProperty("id").GetString()!;
        Assert.StartsWith("tgt-", id);
        Assert.Equal("NGINX", created.GetProperty("type").GetString());
        Assert.Equal(ConfigurationRedaction.Mask, created.GetProperty("config").GetProperty("api_token").GetString());
        Assert.Equal("/etc/ssl/c.pem", created.GetProperty("config").GetProperty("cert_path").GetString());
        Assert.Equal(Secret, await StoredSecretAsync(db, id));
        Assert.DoesNotContain(Secret, await Sql.ScalarAsync<string>(db, "SELECT config::text FROM deployment_targets WHERE id = $1", id));

        using (var get = await client.GetAsync($"/api/v1/targets/{id}"))
        {
            Assert.DoesNotContain(Secret, await get.Content.ReadAsStringAsync());
        }

        using (var list = await client.GetAsync("/api/v1/targets?agent_id=ag-web-prod&limit=500"))
        {
            var text = await list.Content.ReadAsStringAsync();
            Assert.DoesNotContain(Secret, text);
            var ids = JsonDocument.Parse(text).RootElement.GetProperty("data").EnumerateArray().Select(t => t.GetProperty("id").GetString()).ToList();
            Assert.Contains(id, ids);
            Assert.Contains("tgt-nginx-prod", ids);
            Assert.DoesNotContain("tgt-haproxy-prod", ids);
        }

        var kept = await SendAsync(client, HttpMethod.Put, $"/api/v1/targets/{id}", new
        {
            name = "tgt-crud-renamed", type = "NGINX", agent_id = "ag-web-prod",
            config = new { cert_path = "/etc/ssl/d.pem", api_token = ConfigurationRedaction.Mask },
        }, HttpStatusCode.OK);
        Assert.Equal("tgt-crud-renamed", kept.GetProperty("name").GetString());
        Assert.Equal(Secret, await StoredSecretAsync(db, id));
        Assert.DoesNotContain(Secret, kept.ToString());

        await SendAsync(client, HttpMethod.Put, $"/api/v1/targets/{id}", new
        {
            name = "tgt-crud-renamed", type = "NGINX", agent_id = "ag-lb-prod", config = new { api_token = "rotated" },
        }, HttpStatusCode.OK);
        Assert.Equal("rotated", await StoredSecretAsync(db, id));

        using (var delete = await client.DeleteAsync($"/api/v1/targets/{id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        await ProblemAsync(client, HttpMethod.Get, $"/api/v1/targets/{id}", null, HttpStatusCode.NotFound);
        await ProblemAsync(client, HttpMethod.Delete, $"/api/v1/targets/{id}", null, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Agents_must_exist_and_be_active_and_input_is_validated()
    {
        var db = database.ConnectionString;
        await Sql.ExecuteAsync(db, "INSERT INTO agents (id, name, hostname, retired_at, retired_reason) VALUES ('ag-retired', 'retired-01', 'r.example.com', now(), 'gone')");
        await using var gateway = await FleetHost.StartAsync(db, output);
        using var client = gateway.Client();

        await ProblemAsync(client, HttpMethod.Post, "/api/v1/targets", new { name = "t-ret", type = "NGINX", agent_id = "ag-retired" }, HttpStatusCode.UnprocessableEntity);
        await ProblemAsync(client, HttpMethod.Post, "/api/v1/targets", new { name = "t-unk", type = "NGINX", agent_id = "ag-nope" }, HttpStatusCode.UnprocessableEntity);
        var invalid = await ProblemAsync(client, HttpMethod.Post, "/api/v1/targets", new { type = "Toaster" }, HttpStatusCode.BadRequest);
        Assert.True(invalid.Errors.TryGetProperty("name", out _));
        Assert.True(invalid.Errors.TryGetProperty("type", out _));
        Assert.True(invalid.Errors.TryGetProperty("agent_id", out _));
        await ProblemAsync(client, HttpMethod.Put, "/api/v1/targets/tgt-nginx-prod", new { name = "nginx-prod", type = "NGINX", agent_id = "ag-retired" }, HttpStatusCode.UnprocessableEntity);
        await ProblemAsync(client, HttpMethod.Post, "/api/v1/targets", new { name = "nginx-prod", type = "NGINX", agent_id = "ag-web-prod" }, HttpStatusCode.Conflict);
        await ProblemAsync(client, HttpMethod.Get, "/api/v1/targets?type=Toaster", null, HttpStatusCode.BadRequest);
        Assert.Equal(0L, await Sql.ScalarAsync<long>(db, "SELECT count(*) FROM deployment_targets WHERE agent_id = 'ag-retired'"));

        using var anonymous = gateway.Client(key: null);
        using var response = await anonymous.GetAsync("/api/v1/targets");
        await ProblemJson.ReadAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_pem_folder_target_is_accepted_in_any_letter_case_and_listed_by_its_type()
    {
        var db = database.ConnectionString;
        await using var gateway = await FleetHost.StartAsync(db, output);
        using var client = gateway.Client();

        var created = await SendAsync(client, HttpMethod.Post, "/api/v1/targets", new
        {
            name = "tgt-pem-folder", type = "pemfolder", agent_id = "ag-web-prod",
            config = new { directory = "/srv/app/tls", reload_command = "systemctl reload app" },
        }, HttpStatusCode.Created);

        Assert.Equal("PEMFolder", created.GetProperty("type").GetString());
        var id = created.GetProperty("id").GetString()!;
        Assert.Equal("PEMFolder", await Sql.ScalarAsync<string>(db, "SELECT type FROM deployment_targets WHERE id = $1", id));
        var listed = await SendAsync(client, HttpMethod.Get, "/api/v1/targets?type=PEMFolder&limit=500", null, HttpStatusCode.OK);
        Assert.Equal([id], listed.GetProperty("data").EnumerateArray().Select(t => t.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Seeded_targets_are_listed_redacted_and_walk_once()
    {
        await using var gateway = await FleetHost.StartAsync(database.ConnectionString, output);
        using var client = gateway.Client();

        var ids = await WalkIdsAsync(client, "/api/v1/targets", 2);

        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Contains("tgt-aws-acm-prod", ids);
        var nginx = await SendAsync(client, HttpMethod.Get, "/api/v1/targets/tgt-nginx-prod", null, HttpStatusCode.OK);
        Assert.Equal(ConfigurationRedaction.Mask, nginx.GetProperty("config").GetProperty("key_path").GetString());
    }

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    private static async Task<string?> StoredSecretAsync(string db, string id)
    {
        var sealedConfig = await Sql.ScalarAsync<byte[]>(db, "SELECT encrypted_config FROM deployment_targets WHERE id = $1", id);
        var cipher = new ConfigurationCipher(Convert.FromBase64String(InventoryHost.EncryptionKey));
        return JsonDocument.Parse(cipher.Decrypt(sealedConfig, id)).RootElement.GetProperty("api_token").GetString();
    }
}
