using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Certctl.Secrets;
using Microsoft.Extensions.DependencyInjection;
using static Certctl.Gateway.Tests.Inventory.InventoryHttp;

namespace Certctl.Gateway.Tests.Inventory;

/// <summary>Issuers through the real gateway: secrets encrypted at rest, redacted in every answer, kept by <c>********</c>.</summary>
public sealed class IssuerEndpointTests(MigratedDatabaseFixture<IssuerEndpointTests> database, ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<IssuerEndpointTests>>
{
    private const string Secret = "s3cr3t-hmac-value-that-must-not-leak";
    private const string Password = "hunter2-vault-password";

    [Fact]
    public async Task Secrets_are_encrypted_redacted_everywhere_and_kept_by_the_mask_on_update()
    {
        await using var gateway = await InventoryHost.StartAsync(database.ConnectionString, output);
        using var client = gateway.Client();
        var cipher = gateway.Services.GetRequiredService<ConfigurationCipher>();
        var responses = new List<string>();

        var created = await SendAsync(client, HttpMethod.Post, "/api/v1/issuers", new
        {
            id = "iss-test-vault",
            name = "Vault",
            type = "vaultpki",
            config = new { address = "https://vault.internal:8200", token = Secret, auth = new { password = Password, user = "certctl" } },
        }, HttpStatusCode.Created);
        responses.Add(created.ToString());
        Assert.Equal("VaultPKI", created.GetProperty("type").GetString());
        Assert.Equal("untested", created.GetProperty("test_status").GetString());
        Assert.Equal("database", created.GetProperty("source").GetString());
        Assert.Equal("********", created.GetProperty("config").GetProperty("token").GetString());
        Assert.Equal("********", created.GetProperty("config").GetProperty("auth").GetProperty("password").GetString());
        Assert.Equal("certctl", created.GetProperty("config").GetProperty("auth").GetProperty("user").GetString());
        Assert.Equal("https://vault.internal:8200", created.GetProperty("config").GetProperty("address").GetString());

        responses.Add((await SendAsync(client, HttpMethod.Get, "/api/v1/issuers/iss-test-vault", null, HttpStatusCode.OK)).ToString());
        responses.Add((await SendAsync(client, HttpMethod.Get, "/api/v1/issuers?limit=500", null, HttpStatusCode.OK)).ToString());
        Assert.Equal(Secret, (string?)(await DecryptStoredAsync(cipher, "iss-test-vault"))["token"]);

        // The client echoes the masks back and changes the address: secrets stay, the address changes.
        var updated = await SendAsync(client, HttpMethod.Put, "/api/v1/issuers/iss-test-vault", new
        {
            name = "Vault",
            type = "VaultPKI",
            config = new { address = "https://vault2.internal:8200", token = "********", auth = new { password = "********", user = "certctl" } },
        }, HttpStatusCode.OK);
        responses.Add(updated.ToString());
        Assert.Equal("https://vault2.internal:8200", updated.GetProperty("config").GetProperty("address").GetString());
        var afterMask = await DecryptStoredAsync(cipher, "iss-test-vault");
        Assert.Equal(Secret, (string?)afterMask["token"]);
        Assert.Equal(Password, (string?)afterMask["auth"]!["password"]);
        Assert.Equal("https://vault2.internal:8200", (string?)afterMask["address"]);

        // A new value replaces the secret.
        responses.Add((await SendAsync(client, HttpMethod.Put, "/api/v1/issuers/iss-test-vault", new
        {
            name = "Vault",
            type = "VaultPKI",
            config = new { address = "https://vault2.internal:8200", token = "rotated-token", auth = new { password = "********" } },
        }, HttpStatusCode.OK)).ToString());
        var rotated = await DecryptStoredAsync(cipher, "iss-test-vault");
        Assert.Equal("rotated-token", (string?)rotated["token"]);
        Assert.Equal(Password, (string?)rotated["auth"]!["password"]);

        foreach (var response in responses)
        {
            Assert.DoesNotContain(Secret, response);
            Assert.DoesNotContain(Password, response);
            Assert.DoesNotContain("rotated-token", response);
        }

        var column = await Sql.ScalarAsync<string>(database.ConnectionString, "SELECT config::text FROM issuers WHERE id = 'iss-test-vault'");
        Assert.DoesNotContain(Secret, column);
        Assert.DoesNotContain(Password, column);
        Assert.DoesNotContain("rotated-token", column);
        var raw = await Sql.ScalarAsync<byte[]>(database.ConnectionString, "SELECT encrypted_config FROM issuers WHERE id = 'iss-test-vault'");
        Assert.DoesNotContain("rotated-token", Encoding.UTF8.GetString(raw!));
    }

    [Fact]
    public async Task A_tampered_or_moved_ciphertext_does_not_decrypt()
    {
        await using var gateway = await InventoryHost.StartAsync(database.ConnectionString, output);
        using var client = gateway.Client();
        var cipher = gateway.Services.GetRequiredService<ConfigurationCipher>();
        await SendAsync(client, HttpMethod.Post, "/api/v1/issuers",
            new { id = "iss-tamper", name = "Tamper", type = "digicert", config = new { api_key = Secret } }, HttpStatusCode.Created);
        var sealedConfig = (await Sql.ScalarAsync<byte[]>(database.ConnectionString, "SELECT encrypted_config FROM issuers WHERE id = 'iss-tamper'"))!;
        Assert.Equal(Secret, (string?)JsonNode.Parse(cipher.Decrypt(sealedConfig, "iss-tamper"))!["api_key"]);

        // Moved onto another row: the id is the associated data, so the gateway refuses to use it there.
        await SendAsync(client, HttpMethod.Post, "/api/v1/issuers", new { id = "iss-victim", name = "Victim", type = "acme", config = new { directory_url = "https://acme.example/directory" } }, HttpStatusCode.Created);
        await Sql.ExecuteAsync(database.ConnectionString, "UPDATE issuers SET encrypted_config = $1 WHERE id = 'iss-victim'", sealedConfig);
        Assert.ThrowsAny<CryptographicException>(() => cipher.Decrypt(sealedConfig, "iss-victim"));
        using (var refused = await client.PutAsJsonAsync("/api/v1/issuers/iss-victim", new { name = "Victim", type = "acme", config = new { api_key = "********" } }))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, refused.StatusCode);
        }

        Assert.Equal(sealedConfig, await Sql.ScalarAsync<byte[]>(database.ConnectionString, "SELECT encrypted_config FROM issuers WHERE id = 'iss-victim'"));

        for (var i = 0; i < sealedConfig.Length; i += 7)
        {
            var flipped = (byte[])sealedConfig.Clone();
            flipped[i] ^= 0x01;
            Assert.ThrowsAny<CryptographicException>(() => cipher.Decrypt(flipped, "iss-tamper"));
        }

        Assert.ThrowsAny<CryptographicException>(() => cipher.Decrypt(sealedConfig.AsSpan(0, 20), "iss-tamper"));
        Assert.ThrowsAny<CryptographicException>(() => new ConfigurationCipher(RandomNumberGenerator.GetBytes(32)).Decrypt(sealedConfig, "iss-tamper"));
    }

    [Fact]
    public async Task Type_aliases_are_normalised_and_bad_input_is_400()
    {
        await using var gateway = await InventoryHost.StartAsync(database.ConnectionString, output);
        using var client = gateway.Client();

        var local = await SendAsync(client, HttpMethod.Post, "/api/v1/issuers", new { name = "Local alias", type = "LOCAL_CA" }, HttpStatusCode.Created);
        Assert.Equal("GenericCA", local.GetProperty("type").GetString());
        Assert.StartsWith("iss-", local.GetProperty("id").GetString());
        Assert.Equal(0, local.GetProperty("config").GetPropertyCount());

        var unknown = await ProblemAsync(client, HttpMethod.Post, "/api/v1/issuers", new { name = "Nope", type = "letsencrypt-ish" }, HttpStatusCode.BadRequest);
        Assert.Contains("unsupported issuer type", unknown.Errors.GetProperty("type")[0].GetString());
        var missing = await ProblemAsync(client, HttpMethod.Post, "/api/v1/issuers", new { type = "acme", hierarchy_mode = "forest" }, HttpStatusCode.BadRequest);
        Assert.True(missing.Errors.TryGetProperty("name", out _));
        Assert.True(missing.Errors.TryGetProperty("hierarchy_mode", out _));
        var mask = await ProblemAsync(client, HttpMethod.Post, "/api/v1/issuers",
            new { name = "Mask on create", type = "acme", config = new { eab_hmac = "********" } }, HttpStatusCode.BadRequest);
        Assert.Contains("config.eab_hmac", mask.Errors.GetProperty("config")[0].GetString());
        await ProblemAsync(client, HttpMethod.Put, "/api/v1/issuers/iss-local",
            new { name = "Local CA", type = "GenericCA", config = new { new_secret = "********" } }, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task An_ACME_issuer_needs_a_usable_configuration()
    {
        await using var gateway = await InventoryHost.StartAsync(database.ConnectionString, output);
        using var client = gateway.Client();

        var acme = await SendAsync(client, HttpMethod.Post, "/api/v1/issuers", new
        {
            id = "iss-test-acme",
            name = "Pebble",
            type = "ACME",
            config = new { directory_url = "https://localhost:14000/dir", challenge_type = "http-01", http_port = 5002, eab_kid = "kid-1", eab_hmac = "zWNDZM6eQGHWpSRTPal5eIUYFTu7EajV" },
        }, HttpStatusCode.Created);
        Assert.Equal("ACME", acme.GetProperty("type").GetString());
        Assert.Equal("https://localhost:14000/dir", acme.GetProperty("config").GetProperty("directory_url").GetString());
        Assert.Equal("********", acme.GetProperty("config").GetProperty("eab_hmac").GetString());

        foreach (var (config, expected) in new (object Config, string Problem)[]
        {
            (new { email = "pki@example.com" }, "directory_url"),
            (new { directory_url = "ftp://acme.example/dir" }, "directory_url"),
            (new { directory_url = "https://acme.example/dir", challenge_type = "tls-alpn-01" }, "challenge_type"),
            (new { directory_url = "https://acme.example/dir", challenge_type = "dns-01" }, "dns_present_script"),
            (new { directory_url = "https://acme.example/dir", http_port = 70000 }, "http_port"),
            (new { directory_url = "https://acme.example/dir", dns_propagation_wait = 3600 }, "dns_propagation_wait"),
            (new { directory_url = "https://acme.example/dir", eab_kid = "kid-1" }, "eab_hmac"),
            (new { directory_url = "https://acme.example/dir", http_port = "eighty" }, "not a valid ACME configuration"),
        })
        {
            var refused = await ProblemAsync(client, HttpMethod.Post, "/api/v1/issuers", new { name = "Bad ACME", type = "acme", config }, HttpStatusCode.BadRequest);
            Assert.Contains(expected, refused.Errors.GetProperty("config")[0].GetString());
        }

        // An update is checked the same way, with the stored secret merged back first; nothing is written when it fails.
        var refusedUpdate = await ProblemAsync(client, HttpMethod.Put, "/api/v1/issuers/iss-test-acme",
            new { name = "Pebble", type = "ACME", config = new { directory_url = "not a url", eab_kid = "kid-1", eab_hmac = "********" } }, HttpStatusCode.BadRequest);
        Assert.Contains("directory_url", refusedUpdate.Errors.GetProperty("config")[0].GetString());
        var kept = await SendAsync(client, HttpMethod.Get, "/api/v1/issuers/iss-test-acme", null, HttpStatusCode.OK);
        Assert.Equal("https://localhost:14000/dir", kept.GetProperty("config").GetProperty("directory_url").GetString());
        await SendAsync(client, HttpMethod.Put, "/api/v1/issuers/iss-test-acme",
            new { name = "Pebble", type = "ACME", config = new { directory_url = "https://localhost:14001/dir", eab_kid = "kid-1", eab_hmac = "********" } }, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Conflicts_references_missing_rows_and_auth()
    {
        await using var gateway = await InventoryHost.StartAsync(database.ConnectionString, output);
        using var client = gateway.Client();

        await ProblemAsync(client, HttpMethod.Post, "/api/v1/issuers", new { name = "Local CA", type = "GenericCA" }, HttpStatusCode.Conflict);
        await ProblemAsync(client, HttpMethod.Delete, "/api/v1/issuers/iss-local", null, HttpStatusCode.Conflict);
        await ProblemAsync(client, HttpMethod.Get, "/api/v1/issuers/iss-nowhere", null, HttpStatusCode.NotFound);
        await ProblemAsync(client, HttpMethod.Put, "/api/v1/issuers/iss-nowhere", new { name = "x", type = "acme" }, HttpStatusCode.NotFound);
        await ProblemAsync(client, HttpMethod.Delete, "/api/v1/issuers/iss-nowhere", null, HttpStatusCode.NotFound);

        await SendAsync(client, HttpMethod.Post, "/api/v1/issuers", new { id = "iss-short", name = "Short-lived", type = "acme", config = new { directory_url = "https://acme.example/directory" } }, HttpStatusCode.Created);
        using (var deleted = await client.DeleteAsync("/api/v1/issuers/iss-short"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        using var anonymous = await gateway.Client(key: null).GetAsync("/api/v1/issuers");
        await ProblemJson.ReadAsync(anonymous, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Walking_the_list_returns_every_issuer_once()
    {
        for (var i = 0; i < 9; i++)
        {
            await Sql.ExecuteAsync(database.ConnectionString,
                "INSERT INTO issuers (id, name, type, created_at) VALUES ($1, $1, 'ACME', timestamptz '2026-01-01' + ($2 / 3) * interval '1 second') ON CONFLICT DO NOTHING",
                $"iss-walk-{i}", i);
        }

        await using var gateway = await InventoryHost.StartAsync(database.ConnectionString, output);
        var walked = await WalkIdsAsync(gateway.Client(), "/api/v1/issuers", limit: 2);
        var all = (await Sql.RowsAsync(database.ConnectionString, "SELECT id FROM issuers ORDER BY created_at, id")).Select(row => (string)row["id"]!);
        Assert.Equal(all, walked);
    }

    private async Task<JsonObject> DecryptStoredAsync(ConfigurationCipher cipher, string id)
    {
        var sealedConfig = await Sql.ScalarAsync<byte[]>(database.ConnectionString, "SELECT encrypted_config FROM issuers WHERE id = $1", id);
        return (JsonObject)JsonNode.Parse(cipher.Decrypt(sealedConfig!, id))!;
    }
}
