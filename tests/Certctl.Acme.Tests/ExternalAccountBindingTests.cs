using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Certctl.Secrets;

namespace Certctl.Acme.Tests;

/// <summary>External account binding (RFC 8555 §7.3.4): required when configured, MAC checked, one account per key.</summary>
public sealed class ExternalAccountBindingTests(MigratedDatabaseFixture<ExternalAccountBindingTests> database, ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<ExternalAccountBindingTests>>
{
    private static readonly Dictionary<string, string?> Required = new() { ["CERTCTL_ACME_SERVER_EAB_REQUIRED"] = "true" };

    [Fact]
    public async Task Without_a_binding_a_new_account_is_refused_when_one_is_required()
    {
        await using var host = await AcmeHost.StartAsync(database.ConnectionString, output, Required);
        using var client = new AcmeTestClient(host.Client(), host.Directory());
        using var response = await client.PostAsync(await client.Url("newAccount"), TestKey.Create("ES256"), new { termsOfServiceAgreed = true });
        await AcmeAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "externalAccountRequired");
    }

    [Fact]
    public async Task A_valid_binding_creates_the_account_and_binds_the_key_once()
    {
        await using var host = await AcmeHost.StartAsync(database.ConnectionString, output, Required);
        using var client = new AcmeTestClient(host.Client(), host.Directory());
        var hmac = await StoreKeyAsync("eab-ok", profileId: AcmeHost.DefaultProfile);
        var key = TestKey.Create("ES256");
        var url = await client.Url("newAccount");

        using var created = await client.PostAsync(url, key, new { termsOfServiceAgreed = true, externalAccountBinding = Binding("eab-ok", hmac, url, key) });
        await AcmeAssert.JsonAsync(created, HttpStatusCode.Created);
        var accountId = created.Headers.Location!.ToString()[(created.Headers.Location!.ToString().LastIndexOf('/') + 1)..];
        Assert.Equal(accountId, await Sql.ScalarAsync<string>(database.ConnectionString, "SELECT account_id FROM acme_external_account_keys WHERE id = 'eab-ok'"));
        Assert.Equal("eab-ok", await Sql.ScalarAsync<string>(database.ConnectionString, "SELECT eab_kid FROM acme_accounts WHERE id = $1", accountId));

        var second = TestKey.Create("ES256");
        using var reused = await client.PostAsync(url, second, new { termsOfServiceAgreed = true, externalAccountBinding = Binding("eab-ok", hmac, url, second) });
        await AcmeAssert.ProblemAsync(reused, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task A_wrong_mac_an_unknown_key_or_another_profiles_key_is_unauthorized()
    {
        await using var host = await AcmeHost.StartAsync(database.ConnectionString, output, Required);
        using var client = new AcmeTestClient(host.Client(), host.Directory());
        await StoreKeyAsync("eab-mac", profileId: null);
        var otherProfileKey = await StoreKeyAsync("eab-other", profileId: AcmeHost.OtherProfile);
        var key = TestKey.Create("EdDSA");
        var url = await client.Url("newAccount");

        using var wrongMac = await client.PostAsync(url, key, new { externalAccountBinding = Binding("eab-mac", RandomNumberGenerator.GetBytes(32), url, key) });
        await AcmeAssert.ProblemAsync(wrongMac, HttpStatusCode.Unauthorized, "unauthorized");
        using var unknown = await client.PostAsync(url, key, new { externalAccountBinding = Binding("eab-nope", RandomNumberGenerator.GetBytes(32), url, key) });
        await AcmeAssert.ProblemAsync(unknown, HttpStatusCode.Unauthorized, "unauthorized");
        using var otherProfile = await client.PostAsync(url, key, new { externalAccountBinding = Binding("eab-other", otherProfileKey, url, key) });
        await AcmeAssert.ProblemAsync(otherProfile, HttpStatusCode.Unauthorized, "unauthorized");
        // Binding a different key than the one that signs the request.
        using var otherKey = await client.PostAsync(url, key, new { externalAccountBinding = Binding("eab-other", otherProfileKey, url, TestKey.Create("ES256")) });
        await AcmeAssert.ProblemAsync(otherKey, HttpStatusCode.BadRequest, "malformed");
        Assert.Null(await Sql.ScalarAsync<string>(database.ConnectionString, "SELECT account_id FROM acme_external_account_keys WHERE id = 'eab-mac'"));
    }

    /// <summary>Stores a fresh HMAC key the way the server reads it: encrypted with the configuration cipher, bound to its id.</summary>
    private async Task<byte[]> StoreKeyAsync(string id, string? profileId)
    {
        var hmac = RandomNumberGenerator.GetBytes(32);
        var sealedKey = new ConfigurationCipher(Convert.FromBase64String(AcmeHost.EncryptionKey)).Encrypt(hmac, id);
        await Sql.ExecuteAsync(database.ConnectionString,
            "INSERT INTO acme_external_account_keys (id, profile_id, hmac_key) VALUES ($1, $2, $3)", id, profileId, sealedKey);
        return hmac;
    }

    private static Dictionary<string, string> Binding(string keyId, byte[] hmac, string url, TestKey accountKey)
    {
        var header = TestKey.B64(JsonSerializer.SerializeToUtf8Bytes(new { alg = "HS256", kid = keyId, url }));
        var payload = TestKey.B64(JsonSerializer.SerializeToUtf8Bytes(accountKey.Jwk));
        var mac = HMACSHA256.HashData(hmac, Encoding.ASCII.GetBytes(header + "." + payload));
        return new() { ["protected"] = header, ["payload"] = payload, ["signature"] = TestKey.B64(mac) };
    }
}
