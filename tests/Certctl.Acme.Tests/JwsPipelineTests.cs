using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Certctl.Acme.Tests;

/// <summary>Each refusal of the JWS pipeline, from a client that signs for real: the exact problem type, status and headers.</summary>
public sealed class JwsPipelineTests(MigratedDatabaseFixture<JwsPipelineTests> database, ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<JwsPipelineTests>>
{
    [Theory]
    [InlineData("ES256")]
    [InlineData("ES384")]
    [InlineData("RS256")]
    [InlineData("EdDSA")]
    public async Task Every_accepted_algorithm_creates_an_account_and_then_reads_it_by_kid(string alg)
    {
        await using var host = await AcmeHost.StartAsync(database.ConnectionString, output);
        using var client = new AcmeTestClient(host.Client(), host.Directory());
        var key = TestKey.Create(alg);

        using var created = await client.PostAsync(await client.Url("newAccount"), key, new { termsOfServiceAgreed = true });
        var account = await AcmeAssert.JsonAsync(created, HttpStatusCode.Created);
        Assert.Equal("valid", account.GetProperty("status").GetString());
        var kid = created.Headers.Location!.ToString();
        Assert.StartsWith($"{host.Address.ToString().TrimEnd('/')}/acme/profile/{AcmeHost.DefaultProfile}/account/acct-", kid);
        Assert.Equal(kid + "/orders", account.GetProperty("orders").GetString());
        AcmeAssert.LinksIndex(created, host.Directory().ToString());

        using var read = await client.PostAsync(kid, key, payload: null, kid: kid);
        var again = await AcmeAssert.JsonAsync(read, HttpStatusCode.OK);
        Assert.Equal("valid", again.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_forged_nonce_is_a_bad_nonce()
    {
        await using var host = await AcmeHost.StartAsync(database.ConnectionString, output);
        using var client = new AcmeTestClient(host.Client(), host.Directory());
        var forged = (await client.NonceAsync()).ToCharArray();
        forged[10] = forged[10] == 'A' ? 'B' : 'A';

        using var response = await client.PostAsync(await client.Url("newAccount"), TestKey.Create("ES256"), new { },
            spoil: new AcmeTestClient.Spoil { Nonce = new string(forged) });
        await AcmeAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "badNonce");
        using var missing = await client.PostAsync(await client.Url("newAccount"), TestKey.Create("ES256"), new { },
            spoil: new AcmeTestClient.Spoil { OmitNonce = true });
        await AcmeAssert.ProblemAsync(missing, HttpStatusCode.BadRequest, "badNonce");
    }

    [Fact]
    public async Task A_nonce_is_accepted_once()
    {
        await using var host = await AcmeHost.StartAsync(database.ConnectionString, output);
        using var client = new AcmeTestClient(host.Client(), host.Directory());
        var key = TestKey.Create("ES256");
        var nonce = await client.NonceAsync();

        using var first = await client.PostAsync(await client.Url("newAccount"), key, new { }, spoil: new AcmeTestClient.Spoil { Nonce = nonce });
        await AcmeAssert.JsonAsync(first, HttpStatusCode.Created);
        using var second = await client.PostAsync(await client.Url("newAccount"), key, new { }, spoil: new AcmeTestClient.Spoil { Nonce = nonce });
        var problem = await AcmeAssert.ProblemAsync(second, HttpStatusCode.BadRequest, "badNonce");
        Assert.Contains("already used", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_nonce_redeemed_by_one_replica_is_refused_by_another()
    {
        await using var one = await AcmeHost.StartAsync(database.ConnectionString, output);
        await using var two = await AcmeHost.StartAsync(database.ConnectionString, output);
        using var clientOne = new AcmeTestClient(one.Client(), one.Directory());
        using var clientTwo = new AcmeTestClient(two.Client(), two.Directory());
        var nonce = await clientOne.NonceAsync();
        var key = TestKey.Create("ES256");

        using var first = await clientTwo.PostAsync(await clientTwo.Url("newAccount"), key, new { }, spoil: new AcmeTestClient.Spoil { Nonce = nonce });
        await AcmeAssert.JsonAsync(first, HttpStatusCode.Created);
        using var replay = await clientOne.PostAsync(await clientOne.Url("newAccount"), key, new { }, spoil: new AcmeTestClient.Spoil { Nonce = nonce });
        await AcmeAssert.ProblemAsync(replay, HttpStatusCode.BadRequest, "badNonce");
    }

    [Fact]
    public async Task A_url_other_than_the_request_url_is_unauthorized()
    {
        await using var host = await AcmeHost.StartAsync(database.ConnectionString, output);
        using var client = new AcmeTestClient(host.Client(), host.Directory());
        using var response = await client.PostAsync(await client.Url("newAccount"), TestKey.Create("ES256"), new { },
            spoil: new AcmeTestClient.Spoil { Url = await client.Url("newOrder") });
        await AcmeAssert.ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Theory]
    [InlineData("ES256")]
    [InlineData("RS256")]
    [InlineData("EdDSA")]
    public async Task A_bad_signature_is_unauthorized(string alg)
    {
        await using var host = await AcmeHost.StartAsync(database.ConnectionString, output);
        using var client = new AcmeTestClient(host.Client(), host.Directory());
        using var response = await client.PostAsync(await client.Url("newAccount"), TestKey.Create(alg), new { },
            spoil: new AcmeTestClient.Spoil { FlipSignature = true });
        await AcmeAssert.ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Theory]
    [InlineData("HS256")]
    [InlineData("none")]
    [InlineData("PS256")]
    public async Task An_unsupported_algorithm_is_refused_with_the_accepted_list(string alg)
    {
        await using var host = await AcmeHost.StartAsync(database.ConnectionString, output);
        using var client = new AcmeTestClient(host.Client(), host.Directory());
        using var response = await client.PostAsync(await client.Url("newAccount"), TestKey.Create("ES256"), new { },
            spoil: new AcmeTestClient.Spoil { Alg = alg });
        var problem = await AcmeAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "badSignatureAlgorithm");
        Assert.Equal(["RS256", "ES256", "ES384", "EdDSA"], problem.GetProperty("algorithms").EnumerateArray().Select(a => a.GetString()));
    }

    [Fact]
    public async Task The_kid_of_another_account_does_not_verify()
    {
        await using var host = await AcmeHost.StartAsync(database.ConnectionString, output);
        using var client = new AcmeTestClient(host.Client(), host.Directory());
        var victim = await client.NewAccountAsync(TestKey.Create("ES256"));
        var attacker = TestKey.Create("ES256");
        await client.NewAccountAsync(attacker);

        using var response = await client.PostAsync(victim, attacker, payload: null, kid: victim);
        await AcmeAssert.ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task An_account_of_another_profile_does_not_exist_here()
    {
        await using var host = await AcmeHost.StartAsync(database.ConnectionString, output);
        using var other = new AcmeTestClient(host.Client(), host.Directory(AcmeHost.OtherProfile));
        var key = TestKey.Create("ES256");
        var otherKid = await other.NewAccountAsync(key);
        using var client = new AcmeTestClient(host.Client(), host.Directory());
        var ownKidShape = await client.Url("newAccount") is var newAccount
            ? newAccount.Replace("/new-account", "/account/" + otherKid[(otherKid.LastIndexOf('/') + 1)..])
            : null;

        // The other profile's kid as is, and its account id under this profile's prefix.
        using var foreignKid = await client.PostAsync(await client.Url("keyChange"), key, new { }, kid: otherKid);
        await AcmeAssert.ProblemAsync(foreignKid, HttpStatusCode.BadRequest, "accountDoesNotExist");
        using var rewritten = await client.PostAsync(ownKidShape!, key, payload: null, kid: ownKidShape);
        await AcmeAssert.ProblemAsync(rewritten, HttpStatusCode.BadRequest, "accountDoesNotExist");
    }

    [Fact]
    public async Task A_jwk_where_a_kid_is_required_and_a_kid_where_a_jwk_is_required_are_malformed()
    {
        await using var host = await AcmeHost.StartAsync(database.ConnectionString, output);
        using var client = new AcmeTestClient(host.Client(), host.Directory());
        var key = TestKey.Create("ES256");
        var kid = await client.NewAccountAsync(key);

        using var jwkOnKidEndpoint = await client.PostAsync(kid, key, payload: null);
        await AcmeAssert.ProblemAsync(jwkOnKidEndpoint, HttpStatusCode.BadRequest, "malformed");
        using var kidOnJwkEndpoint = await client.PostAsync(await client.Url("newAccount"), key, new { }, kid: kid);
        await AcmeAssert.ProblemAsync(kidOnJwkEndpoint, HttpStatusCode.BadRequest, "malformed");
        using var both = await client.PostAsync(kid, key, payload: null, kid: kid, spoil: new AcmeTestClient.Spoil { AlsoJwk = true });
        await AcmeAssert.ProblemAsync(both, HttpStatusCode.BadRequest, "malformed");
    }

    [Fact]
    public async Task A_wrong_content_type_is_unsupported_media_type()
    {
        await using var host = await AcmeHost.StartAsync(database.ConnectionString, output);
        using var client = new AcmeTestClient(host.Client(), host.Directory());
        using var response = await client.PostAsync(await client.Url("newAccount"), TestKey.Create("ES256"), new { },
            spoil: new AcmeTestClient.Spoil { ContentType = "application/json" });
        await AcmeAssert.ProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "malformed");
    }

    [Fact]
    public async Task An_oversized_body_is_refused_before_it_is_parsed()
    {
        await using var host = await AcmeHost.StartAsync(database.ConnectionString, output,
            new Dictionary<string, string?> { ["CERTCTL_ACME_SERVER_MAX_JWS_BYTES"] = "2048" });
        using var client = new AcmeTestClient(host.Client(), host.Directory());
        using var response = await client.PostAsync(await client.Url("newAccount"), TestKey.Create("ES256"),
            new { contact = new[] { "mailto:" + new string('a', 3000) + "@example.com" } });
        await AcmeAssert.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "malformed");
    }

    [Fact]
    public async Task Malformed_json_and_a_non_object_payload_are_malformed()
    {
        await using var host = await AcmeHost.StartAsync(database.ConnectionString, output);
        using var client = new AcmeTestClient(host.Client(), host.Directory());
        var url = await client.Url("newAccount");

        using var notJson = await client.Http.PostAsync(url, Jose("{\"protected\": "));
        await AcmeAssert.ProblemAsync(notJson, HttpStatusCode.BadRequest, "malformed");
        using var general = await client.Http.PostAsync(url, Jose("{\"payload\":\"\",\"signatures\":[]}"));
        await AcmeAssert.ProblemAsync(general, HttpStatusCode.BadRequest, "malformed");
        using var badPayload = await client.PostAsync(url, TestKey.Create("ES256"), "[1, 2");
        await AcmeAssert.ProblemAsync(badPayload, HttpStatusCode.BadRequest, "malformed");
    }

    [Fact]
    public async Task Each_rejection_is_counted_under_its_reason()
    {
        var reasons = new ConcurrentBag<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, meterListener) =>
        {
            if (instrument.Meter.Name == "Certctl" && instrument.Name == "certctl.acme.jws_rejections")
            {
                meterListener.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "reason")
                {
                    reasons.Add((string)tag.Value!);
                }
            }
        });
        listener.Start();
        await using var host = await AcmeHost.StartAsync(database.ConnectionString, output);
        using var client = new AcmeTestClient(host.Client(), host.Directory());
        var url = await client.Url("newAccount");

        (await client.PostAsync(url, TestKey.Create("ES256"), new { }, spoil: new AcmeTestClient.Spoil { ContentType = "text/plain" })).Dispose();
        (await client.PostAsync(url, TestKey.Create("ES256"), new { }, spoil: new AcmeTestClient.Spoil { Alg = "HS512" })).Dispose();
        (await client.PostAsync(url, TestKey.Create("ES256"), new { }, spoil: new AcmeTestClient.Spoil { Nonce = "forged" })).Dispose();
        (await client.PostAsync(url, TestKey.Create("EdDSA"), new { }, spoil: new AcmeTestClient.Spoil { FlipSignature = true })).Dispose();

        Assert.Contains("content_type", reasons);
        Assert.Contains("bad_algorithm", reasons);
        Assert.Contains("nonce_forged", reasons);
        Assert.Contains("bad_signature", reasons);
    }

    [Fact]
    public async Task An_unknown_acme_path_is_an_acme_404()
    {
        await using var host = await AcmeHost.StartAsync(database.ConnectionString, output);
        using var http = host.Client();
        using var response = await http.GetAsync("/acme/profile/prof-standard-tls/nothing-here");
        await AcmeAssert.ProblemAsync(response, HttpStatusCode.NotFound, "malformed");
    }

    private static ByteArrayContent Jose(string text)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/jose+json");
        return content;
    }
}
