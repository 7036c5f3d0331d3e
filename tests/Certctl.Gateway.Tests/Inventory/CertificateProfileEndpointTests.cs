using System.Net;
using static Certctl.Gateway.Tests.Inventory.InventoryHttp;

namespace Certctl.Gateway.Tests.Inventory;

/// <summary>Certificate profiles through the real gateway: key algorithm, EKU, TTL and ACME mode rules.</summary>
public sealed class CertificateProfileEndpointTests(MigratedDatabaseFixture<CertificateProfileEndpointTests> database, ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<CertificateProfileEndpointTests>>
{
    [Fact]
    public async Task A_profile_round_trips_with_defaults_and_a_full_replace()
    {
        await using var gateway = await InventoryHost.StartAsync(database.ConnectionString, output);
        using var client = gateway.Client();

        var created = await SendAsync(client, HttpMethod.Post, "/api/v1/profiles", new { id = "prof-round", name = "Round" }, HttpStatusCode.Created);
        Assert.Equal("prof-round", created.GetProperty("id").GetString());
        Assert.Equal(2, created.GetProperty("allowed_key_algorithms").GetArrayLength());
        Assert.Equal("serverAuth", created.GetProperty("allowed_ekus")[0].GetString());
        Assert.Equal("trust_authenticated", created.GetProperty("acme_auth_mode").GetString());
        Assert.False(created.GetProperty("requires_approval").GetBoolean());

        var replaced = await SendAsync(client, HttpMethod.Put, "/api/v1/profiles/prof-round", new
        {
            name = "Short",
            allowed_key_algorithms = new[] { new { algorithm = "Ed25519", min_size = 0 }, new { algorithm = "RSA", min_size = 3072 } },
            max_ttl_seconds = 3599,
            allow_short_lived = true,
            allowed_ekus = new[] { "clientAuth", "serverAuth" },
            required_san_patterns = new[] { "^[a-z]+\\.example\\.com$" },
            acme_auth_mode = "challenge",
            requires_approval = true,
            must_staple = true,
        }, HttpStatusCode.OK);
        Assert.Equal("Ed25519", replaced.GetProperty("allowed_key_algorithms")[0].GetProperty("algorithm").GetString());
        Assert.Equal(3072, replaced.GetProperty("allowed_key_algorithms")[1].GetProperty("min_size").GetInt32());

        var fetched = await SendAsync(client, HttpMethod.Get, "/api/v1/profiles/prof-round", null, HttpStatusCode.OK);
        Assert.True(fetched.GetProperty("requires_approval").GetBoolean());
        Assert.True(fetched.GetProperty("must_staple").GetBoolean());
        Assert.True(fetched.GetProperty("allow_short_lived").GetBoolean());
        Assert.Equal(3599, fetched.GetProperty("max_ttl_seconds").GetInt32());
        Assert.Equal("challenge", fetched.GetProperty("acme_auth_mode").GetString());

        using (var deleted = await client.DeleteAsync("/api/v1/profiles/prof-round"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        await ProblemAsync(client, HttpMethod.Get, "/api/v1/profiles/prof-round", null, HttpStatusCode.NotFound);
        await ProblemAsync(client, HttpMethod.Put, "/api/v1/profiles/prof-round", new { name = "x" }, HttpStatusCode.NotFound);
        await ProblemAsync(client, HttpMethod.Delete, "/api/v1/profiles/prof-round", null, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Rule_violations_are_400_with_each_field_named()
    {
        await using var gateway = await InventoryHost.StartAsync(database.ConnectionString, output);
        using var client = gateway.Client();

        var problem = await ProblemAsync(client, HttpMethod.Post, "/api/v1/profiles", new
        {
            name = "Bad",
            allowed_key_algorithms = new[] { new { algorithm = "RSA", min_size = 1024 }, new { algorithm = "DSA", min_size = 2048 } },
            max_ttl_seconds = 7200,
            allow_short_lived = true,
            allowed_ekus = new[] { "anyPurpose" },
            required_san_patterns = new[] { "([" },
            acme_auth_mode = "trust_everyone",
        }, HttpStatusCode.BadRequest);
        foreach (var field in new[] { "allowed_key_algorithms", "allow_short_lived", "allowed_ekus", "required_san_patterns", "acme_auth_mode" })
        {
            Assert.True(problem.Errors.TryGetProperty(field, out _), field);
        }

        Assert.Equal(2, problem.Errors.GetProperty("allowed_key_algorithms").GetArrayLength());
        var ttl = await ProblemAsync(client, HttpMethod.Post, "/api/v1/profiles", new { name = "Negative", max_ttl_seconds = -1 }, HttpStatusCode.BadRequest);
        Assert.True(ttl.Errors.TryGetProperty("max_ttl_seconds", out _));
        await ProblemAsync(client, HttpMethod.Post, "/api/v1/profiles",
            new { name = "Small EC", allowed_key_algorithms = new[] { new { algorithm = "ECDSA", min_size = 224 } } }, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Duplicate_names_are_409_and_unauthenticated_calls_401()
    {
        await using var gateway = await InventoryHost.StartAsync(database.ConnectionString, output);
        var existing = await Sql.ScalarAsync<string>(database.ConnectionString, "SELECT name FROM certificate_profiles WHERE id = 'prof-standard-tls'");
        await ProblemAsync(gateway.Client(), HttpMethod.Post, "/api/v1/profiles", new { name = existing }, HttpStatusCode.Conflict);
        using var response = await gateway.Client(key: null).GetAsync("/api/v1/profiles");
        await ProblemJson.ReadAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Walking_the_list_returns_every_profile_once()
    {
        for (var i = 0; i < 11; i++)
        {
            await Sql.ExecuteAsync(database.ConnectionString,
                "INSERT INTO certificate_profiles (id, name, created_at) VALUES ($1, $1, timestamptz '2026-01-01' + ($2 / 2) * interval '1 second') ON CONFLICT DO NOTHING",
                $"prof-walk-{i:00}", i);
        }

        await using var gateway = await InventoryHost.StartAsync(database.ConnectionString, output);
        var walked = await WalkIdsAsync(gateway.Client(), "/api/v1/profiles", limit: 2);
        var all = (await Sql.RowsAsync(database.ConnectionString, "SELECT id FROM certificate_profiles ORDER BY created_at, id")).Select(row => (string)row["id"]!);
        Assert.Equal(all, walked);
    }
}
