using System.Net;
using System.Text.Json;

namespace Certctl.Acme.Tests;

/// <summary>Account flows (RFC 8555 §7.3): create, find by key, contacts, deactivation, key rollover.</summary>
public sealed class AccountTests(MigratedDatabaseFixture<AccountTests> database, ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<AccountTests>>
{
    [Fact]
    public async Task A_known_key_gets_its_existing_account_with_200_and_an_audit_row_is_written_once()
    {
        await using var host = await AcmeHost.StartAsync(database.ConnectionString, output);
        using var client = new AcmeTestClient(host.Client(), host.Directory());
        var key = TestKey.Create("ES256");
        var url = await client.Url("newAccount");

        using var created = await client.PostAsync(url, key, new { termsOfServiceAgreed = true, contact = new[] { "mailto:a@example.com" } });
        var body = await AcmeAssert.JsonAsync(created, HttpStatusCode.Created);
        Assert.Equal(["mailto:a@example.com"], body.GetProperty("contact").EnumerateArray().Select(c => c.GetString()));
        using var again = await client.PostAsync(url, key, new { termsOfServiceAgreed = true });
        await AcmeAssert.JsonAsync(again, HttpStatusCode.OK);
        Assert.Equal(created.Headers.Location, again.Headers.Location);
        using var existing = await client.PostAsync(url, key, new { onlyReturnExisting = true });
        await AcmeAssert.JsonAsync(existing, HttpStatusCode.OK);
        Assert.Equal(created.Headers.Location, existing.Headers.Location);

        var id = created.Headers.Location!.ToString()[(created.Headers.Location!.ToString().LastIndexOf('/') + 1)..];
        Assert.Equal(1L, await Sql.ScalarAsync<long>(database.ConnectionString,
            "SELECT count(*) FROM audit_events WHERE action = 'acme_account_created' AND resource_id = $1", id));
    }

    [Fact]
    public async Task The_same_key_on_two_profiles_is_two_accounts()
    {
        await using var host = await AcmeHost.StartAsync(database.ConnectionString, output);
        var key = TestKey.Create("EdDSA");
        using var one = new AcmeTestClient(host.Client(), host.Directory());
        using var two = new AcmeTestClient(host.Client(), host.Directory(AcmeHost.OtherProfile));
        var first = await one.NewAccountAsync(key);
        var second = await two.NewAccountAsync(key);
        Assert.NotEqual(first[(first.LastIndexOf('/') + 1)..], second[(second.LastIndexOf('/') + 1)..]);
    }

    [Fact]
    public async Task Only_return_existing_with_an_unknown_key_is_account_does_not_exist()
    {
        await using var host = await AcmeHost.StartAsync(database.ConnectionString, output);
        using var client = new AcmeTestClient(host.Client(), host.Directory());
        using var response = await client.PostAsync(await client.Url("newAccount"), TestKey.Create("RS256"), new { onlyReturnExisting = true });
        await AcmeAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "accountDoesNotExist");
    }

    [Fact]
    public async Task Contacts_are_replaced_and_refused_when_not_mailto_addresses()
    {
        await using var host = await AcmeHost.StartAsync(database.ConnectionString, output);
        using var client = new AcmeTestClient(host.Client(), host.Directory());
        var key = TestKey.Create("ES256");
        var kid = await client.NewAccountAsync(key);

        using var updated = await client.PostAsync(kid, key, new { contact = new[] { "mailto:b@example.com", "mailto:c@example.org" } }, kid: kid);
        var body = await AcmeAssert.JsonAsync(updated, HttpStatusCode.OK);
        Assert.Equal(["mailto:b@example.com", "mailto:c@example.org"], body.GetProperty("contact").EnumerateArray().Select(c => c.GetString()));
        using var unsupported = await client.PostAsync(kid, key, new { contact = new[] { "tel:+123456" } }, kid: kid);
        await AcmeAssert.ProblemAsync(unsupported, HttpStatusCode.BadRequest, "unsupportedContact");
        using var invalid = await client.PostAsync(kid, key, new { contact = new[] { "mailto:not an address" } }, kid: kid);
        await AcmeAssert.ProblemAsync(invalid, HttpStatusCode.BadRequest, "invalidContact");
        using var badStatus = await client.PostAsync(kid, key, new { status = "valid" }, kid: kid);
        await AcmeAssert.ProblemAsync(badStatus, HttpStatusCode.BadRequest, "malformed");
    }

    [Fact]
    public async Task A_kid_for_another_url_account_is_unauthorized()
    {
        await using var host = await AcmeHost.StartAsync(database.ConnectionString, output);
        using var client = new AcmeTestClient(host.Client(), host.Directory());
        var mine = TestKey.Create("ES256");
        var myKid = await client.NewAccountAsync(mine);
        var otherKid = await client.NewAccountAsync(TestKey.Create("ES256"));

        using var response = await client.PostAsync(otherKid, mine, new { status = "deactivated" }, kid: myKid);
        await AcmeAssert.ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal("valid", await Sql.ScalarAsync<string>(database.ConnectionString, "SELECT status FROM acme_accounts WHERE id = $1", otherKid[(otherKid.LastIndexOf('/') + 1)..]));
    }

    [Fact]
    public async Task A_deactivated_account_can_no_longer_authenticate()
    {
        await using var host = await AcmeHost.StartAsync(database.ConnectionString, output);
        using var client = new AcmeTestClient(host.Client(), host.Directory());
        var key = TestKey.Create("ES384");
        var kid = await client.NewAccountAsync(key);

        using var deactivated = await client.PostAsync(kid, key, new { status = "deactivated" }, kid: kid);
        var body = await AcmeAssert.JsonAsync(deactivated, HttpStatusCode.OK);
        Assert.Equal("deactivated", body.GetProperty("status").GetString());

        using var read = await client.PostAsync(kid, key, payload: null, kid: kid);
        await AcmeAssert.ProblemAsync(read, HttpStatusCode.Unauthorized, "unauthorized");
        using var keyChange = await client.PostAsync(await client.Url("keyChange"), key, new { }, kid: kid);
        await AcmeAssert.ProblemAsync(keyChange, HttpStatusCode.Unauthorized, "unauthorized");
        using var register = await client.PostAsync(await client.Url("newAccount"), key, new { termsOfServiceAgreed = true });
        await AcmeAssert.ProblemAsync(register, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Theory]
    [InlineData("ES256", "EdDSA")]
    [InlineData("RS256", "ES256")]
    public async Task After_a_key_change_the_old_key_fails_and_the_new_one_works(string oldAlg, string newAlg)
    {
        await using var host = await AcmeHost.StartAsync(database.ConnectionString, output);
        using var client = new AcmeTestClient(host.Client(), host.Directory());
        var oldKey = TestKey.Create(oldAlg);
        var newKey = TestKey.Create(newAlg);
        var kid = await client.NewAccountAsync(oldKey);

        using var changed = await client.PostAsync(await client.Url("keyChange"), oldKey, await InnerAsync(client, newKey, kid, oldKey), kid: kid);
        var body = await AcmeAssert.JsonAsync(changed, HttpStatusCode.OK);
        Assert.Equal("valid", body.GetProperty("status").GetString());

        using var withOld = await client.PostAsync(kid, oldKey, payload: null, kid: kid);
        await AcmeAssert.ProblemAsync(withOld, HttpStatusCode.Unauthorized, "unauthorized");
        using var withNew = await client.PostAsync(kid, newKey, payload: null, kid: kid);
        await AcmeAssert.JsonAsync(withNew, HttpStatusCode.OK);
        using var findByNew = await client.PostAsync(await client.Url("newAccount"), newKey, new { onlyReturnExisting = true });
        await AcmeAssert.JsonAsync(findByNew, HttpStatusCode.OK);
        Assert.Equal(kid, findByNew.Headers.Location!.ToString());
        Assert.Equal(1L, await Sql.ScalarAsync<long>(database.ConnectionString,
            "SELECT count(*) FROM audit_events WHERE action = 'acme_account_key_rolled' AND resource_id = $1", kid[(kid.LastIndexOf('/') + 1)..]));
    }

    [Fact]
    public async Task A_key_change_to_a_key_in_use_is_a_conflict_naming_its_account()
    {
        await using var host = await AcmeHost.StartAsync(database.ConnectionString, output);
        using var client = new AcmeTestClient(host.Client(), host.Directory());
        var key = TestKey.Create("ES256");
        var taken = TestKey.Create("ES256");
        var kid = await client.NewAccountAsync(key);
        var holder = await client.NewAccountAsync(taken);

        using var response = await client.PostAsync(await client.Url("keyChange"), key, await InnerAsync(client, taken, kid, key), kid: kid);
        await AcmeAssert.ProblemAsync(response, HttpStatusCode.Conflict, "unauthorized");
        Assert.Equal(holder, response.Headers.Location!.ToString());
    }

    [Fact]
    public async Task A_key_change_with_a_wrong_proof_is_refused()
    {
        await using var host = await AcmeHost.StartAsync(database.ConnectionString, output);
        using var client = new AcmeTestClient(host.Client(), host.Directory());
        var key = TestKey.Create("ES256");
        var newKey = TestKey.Create("ES256");
        var kid = await client.NewAccountAsync(key);
        var keyChange = await client.Url("keyChange");

        // oldKey is not the account's key.
        using var wrongOld = await client.PostAsync(keyChange, key, await InnerAsync(client, newKey, kid, TestKey.Create("ES256")), kid: kid);
        await AcmeAssert.ProblemAsync(wrongOld, HttpStatusCode.Unauthorized, "unauthorized");
        // The inner JWS carries a nonce.
        var withNonce = JsonSerializer.Deserialize<JsonElement>(AcmeTestClient.Sign(newKey, keyChange, await client.NonceAsync(), null, new { account = kid, oldKey = key.Jwk }));
        using var innerNonce = await client.PostAsync(keyChange, key, withNonce, kid: kid);
        await AcmeAssert.ProblemAsync(innerNonce, HttpStatusCode.BadRequest, "malformed");
        // The inner signature is bad.
        var badSignature = JsonSerializer.Deserialize<JsonElement>(AcmeTestClient.Sign(newKey, keyChange, null, null, new { account = kid, oldKey = key.Jwk },
            new AcmeTestClient.Spoil { FlipSignature = true }));
        using var innerSignature = await client.PostAsync(keyChange, key, badSignature, kid: kid);
        await AcmeAssert.ProblemAsync(innerSignature, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task The_orders_list_names_the_accounts_live_orders_a_page_at_a_time()
    {
        await using var host = await AcmeHost.StartAsync(database.ConnectionString, output);
        using var client = new AcmeTestClient(host.Client(), host.Directory());
        var key = TestKey.Create("ES256");
        var kid = await client.NewAccountAsync(key);
        var accountId = kid[(kid.LastIndexOf('/') + 1)..];
        await Sql.ExecuteAsync(database.ConnectionString, """
            INSERT INTO acme_orders (id, account_id, profile_id, status, identifiers, expires_at)
            SELECT 'ord-' || $1 || '-' || lpad(n::text, 3, '0'), $1, 'prof-standard-tls', CASE WHEN n = 0 THEN 'invalid' ELSE 'ready' END,
                   '[{"type":"dns","value":"a.example.com"}]', now() + interval '1 day'
              FROM generate_series(0, 101) n
            """, accountId);

        using var first = await client.PostAsync(kid + "/orders", key, payload: null, kid: kid);
        var page = await AcmeAssert.JsonAsync(first, HttpStatusCode.OK);
        var orders = page.GetProperty("orders").EnumerateArray().Select(o => o.GetString()!).ToList();
        Assert.Equal(100, orders.Count);
        Assert.Equal($"{await client.Url("newOrder")}".Replace("/new-order", $"/order/ord-{accountId}-001"), orders[0]);
        var next = first.Headers.GetValues("Link").Single(link => link.EndsWith(";rel=\"next\"", StringComparison.Ordinal));
        var nextUrl = next[1..next.IndexOf('>')];

        using var second = await client.PostAsync(nextUrl, key, payload: null, kid: kid);
        var last = await AcmeAssert.JsonAsync(second, HttpStatusCode.OK);
        Assert.Equal([$"ord-{accountId}-101"], last.GetProperty("orders").EnumerateArray().Select(o => o.GetString()![(o.GetString()!.LastIndexOf('/') + 1)..]));
        Assert.DoesNotContain(second.Headers.GetValues("Link"), link => link.Contains("rel=\"next\"", StringComparison.Ordinal));
    }

    private static async Task<JsonElement> InnerAsync(AcmeTestClient client, TestKey newKey, string kid, TestKey oldKey) =>
        JsonSerializer.Deserialize<JsonElement>(AcmeTestClient.Sign(newKey, await client.Url("keyChange"), null, null, new { account = kid, oldKey = oldKey.Jwk }));
}
