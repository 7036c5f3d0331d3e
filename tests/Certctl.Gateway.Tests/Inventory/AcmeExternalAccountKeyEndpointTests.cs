using System.Buffers.Text;
using System.Net;
using Certctl.Domain;
using Certctl.Secrets;
using static Certctl.Gateway.Tests.Inventory.InventoryHttp;

namespace Certctl.Gateway.Tests.Inventory;

/// <summary>ACME external account binding keys: admin only, the MAC key shown once and stored encrypted, never listed.</summary>
public sealed class AcmeExternalAccountKeyEndpointTests(MigratedDatabaseFixture<AcmeExternalAccountKeyEndpointTests> database, ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<AcmeExternalAccountKeyEndpointTests>>
{
    private const string Path = "/api/v1/acme/external-account-keys";

    [Fact]
    public async Task A_created_key_is_returned_once_stored_encrypted_and_listed_without_it()
    {
        await using var gateway = await InventoryHost.StartAsync(database.ConnectionString, output);
        using var admin = gateway.Client(GatewayHost.AliceKey);

        var created = await SendAsync(admin, HttpMethod.Post, Path, new { profile_id = "prof-standard-tls" }, HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        Assert.True(EntityId.IsWellFormed(id, IdPrefix.AcmeExternalAccountKey), id);
        var hmacKey = Base64Url.DecodeFromChars(created.GetProperty("hmac_key").GetString()!);
        Assert.Equal(32, hmacKey.Length);
        Assert.Equal("prof-standard-tls", created.GetProperty("profile_id").GetString());

        var stored = await Sql.ScalarAsync<byte[]>(database.ConnectionString, "SELECT hmac_key FROM acme_external_account_keys WHERE id = $1", id);
        Assert.NotEqual(hmacKey, stored);
        Assert.Equal(hmacKey, new ConfigurationCipher(Convert.FromBase64String(InventoryHost.EncryptionKey)).Decrypt(stored, id));

        var page = await SendAsync(admin, HttpMethod.Get, Path, null, HttpStatusCode.OK);
        var listed = page.GetProperty("data").EnumerateArray().Single(row => row.GetProperty("id").GetString() == id);
        Assert.False(listed.TryGetProperty("hmac_key", out _));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, listed.GetProperty("account_id").ValueKind);

        using (var deleted = await admin.DeleteAsync($"{Path}/{id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        await ProblemAsync(admin, HttpMethod.Delete, $"{Path}/{id}", null, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Only_admins_manage_keys_and_an_unknown_profile_is_refused()
    {
        await using var gateway = await InventoryHost.StartAsync(database.ConnectionString, output);
        using var bob = gateway.Client();
        using var admin = gateway.Client(GatewayHost.AliceKey);

        await ProblemAsync(bob, HttpMethod.Post, Path, new { }, HttpStatusCode.Forbidden);
        await ProblemAsync(bob, HttpMethod.Get, Path, null, HttpStatusCode.Forbidden);
        await ProblemAsync(admin, HttpMethod.Post, Path, new { profile_id = "prof-missing" }, HttpStatusCode.UnprocessableEntity);
        await SendAsync(admin, HttpMethod.Post, Path, new { id = "eab-mine" }, HttpStatusCode.Created);
        await ProblemAsync(admin, HttpMethod.Post, Path, new { id = "eab-mine" }, HttpStatusCode.Conflict);
    }
}
