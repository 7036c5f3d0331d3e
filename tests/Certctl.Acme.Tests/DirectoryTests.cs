using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Certctl.Acme.Tests;

/// <summary>The directory, new-nonce, the URL layout (per profile and shorthand) and absolute URLs behind the gateway.</summary>
public sealed class DirectoryTests(MigratedDatabaseFixture<DirectoryTests> database, ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<DirectoryTests>>
{
    [Fact]
    public async Task The_directory_lists_every_resource_of_the_profile_and_the_configured_meta()
    {
        await using var host = await AcmeHost.StartAsync(database.ConnectionString, output, new Dictionary<string, string?>
        {
            ["CERTCTL_ACME_SERVER_TOS_URL"] = "https://example.com/tos",
            ["CERTCTL_ACME_SERVER_WEBSITE"] = "https://example.com",
            ["CERTCTL_ACME_SERVER_CAA_IDENTITIES"] = " ca.example.com , ,ca2.example.com",
            ["CERTCTL_ACME_SERVER_EAB_REQUIRED"] = "true",
        });
        using var http = host.Client();
        using var response = await http.GetAsync(host.Directory());
        var directory = await AcmeAssert.JsonAsync(response, HttpStatusCode.OK);
        var prefix = $"{host.Address.ToString().TrimEnd('/')}/acme/profile/{AcmeHost.DefaultProfile}";
        foreach (var (name, path) in new[] { ("newNonce", "new-nonce"), ("newAccount", "new-account"), ("newOrder", "new-order"),
                     ("revokeCert", "revoke-cert"), ("keyChange", "key-change"), ("renewalInfo", "renewal-info") })
        {
            Assert.Equal($"{prefix}/{path}", directory.GetProperty(name).GetString());
        }

        var meta = directory.GetProperty("meta");
        Assert.Equal("https://example.com/tos", meta.GetProperty("termsOfService").GetString());
        Assert.Equal("https://example.com", meta.GetProperty("website").GetString());
        Assert.Equal(["ca.example.com", "ca2.example.com"], meta.GetProperty("caaIdentities").EnumerateArray().Select(c => c.GetString()));
        Assert.True(meta.GetProperty("externalAccountRequired").GetBoolean());
        Assert.False(directory.TryGetProperty("newAuthz", out _));
    }

    [Fact]
    public async Task Without_meta_settings_or_renewal_info_the_directory_omits_them()
    {
        await using var host = await AcmeHost.StartAsync(database.ConnectionString, output,
            new Dictionary<string, string?> { ["CERTCTL_ACME_SERVER_ARI_ENABLED"] = "false" });
        using var http = host.Client();
        using var response = await http.GetAsync(host.Directory(null));
        var directory = await AcmeAssert.JsonAsync(response, HttpStatusCode.OK);
        Assert.False(directory.TryGetProperty("meta", out _));
        Assert.False(directory.TryGetProperty("renewalInfo", out _));
        // The shorthand builds shorthand URLs.
        Assert.Equal($"{host.Address.ToString().TrimEnd('/')}/acme/new-account", directory.GetProperty("newAccount").GetString());
    }

    [Fact]
    public async Task Head_on_the_directory_answers_its_headers_without_a_body()
    {
        await using var host = await AcmeHost.StartAsync(database.ConnectionString, output);
        using var http = host.Client();
        using var response = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, host.Directory()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AcmeAssert.HasNonce(response);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task New_nonce_answers_head_200_and_get_204_with_a_nonce_no_store_and_the_index_link()
    {
        await using var host = await AcmeHost.StartAsync(database.ConnectionString, output);
        using var http = host.Client();
        var url = new Uri(host.Address, $"/acme/profile/{AcmeHost.DefaultProfile}/new-nonce");
        using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, url));
        using var get = await http.GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, get.StatusCode);
        foreach (var response in new[] { head, get })
        {
            AcmeAssert.HasNonce(response);
            Assert.True(response.Headers.CacheControl!.NoStore);
            AcmeAssert.LinksIndex(response, host.Directory().ToString());
        }

        Assert.NotEqual(head.Headers.GetValues("Replay-Nonce").Single(), get.Headers.GetValues("Replay-Nonce").Single());
    }

    [Fact]
    public async Task An_unknown_profile_is_404_and_a_shorthand_without_default_is_403()
    {
        await using var host = await AcmeHost.StartAsync(database.ConnectionString, output,
            new Dictionary<string, string?> { ["CERTCTL_ACME_SERVER_DEFAULT_PROFILE_ID"] = "" });
        using var http = host.Client();
        using var unknown = await http.GetAsync(host.Directory("prof-nope"));
        await AcmeAssert.ProblemAsync(unknown, HttpStatusCode.NotFound, "userActionRequired");
        using var shorthand = await http.GetAsync(host.Directory(null));
        await AcmeAssert.ProblemAsync(shorthand, HttpStatusCode.Forbidden, "userActionRequired");
    }

    [Fact]
    public async Task A_profile_created_after_start_is_served_within_a_second()
    {
        await using var host = await AcmeHost.StartAsync(database.ConnectionString, output);
        using var http = host.Client();
        using (var before = await http.GetAsync(host.Directory("prof-acme-late")))
        {
            await AcmeAssert.ProblemAsync(before, HttpStatusCode.NotFound, "userActionRequired");
        }

        await Sql.ExecuteAsync(database.ConnectionString, "INSERT INTO certificate_profiles (id, name) VALUES ('prof-acme-late', 'Late ACME profile')");
        await Task.Delay(TimeSpan.FromMilliseconds(1100));
        using var after = await http.GetAsync(host.Directory("prof-acme-late"));
        await AcmeAssert.JsonAsync(after, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Behind_the_gateway_urls_use_the_forwarded_host_and_scheme()
    {
        await using var host = await AcmeHost.StartAsync(database.ConnectionString, output);
        using var http = host.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, host.Directory());
        request.Headers.Add("X-Forwarded-Host", "acme.example.com:8443");
        request.Headers.Add("X-Forwarded-Proto", "https");
        using var response = await http.SendAsync(request);
        var directory = await AcmeAssert.JsonAsync(response, HttpStatusCode.OK);
        Assert.Equal($"https://acme.example.com:8443/acme/profile/{AcmeHost.DefaultProfile}/new-account", directory.GetProperty("newAccount").GetString());

        // A JWS signed for the forwarded URL verifies, since the pipeline compares against the same view.
        var key = TestKey.Create("ES256");
        var nonce = await new AcmeTestClient(host.Client(), host.Directory()).NonceAsync();
        var body = AcmeTestClient.Sign(key, directory.GetProperty("newAccount").GetString()!, nonce, null, new { });
        using var post = new HttpRequestMessage(HttpMethod.Post, new Uri(host.Address, $"/acme/profile/{AcmeHost.DefaultProfile}/new-account"))
        {
            Content = new ByteArrayContent(body),
        };
        post.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/jose+json");
        post.Headers.Add("X-Forwarded-Host", "acme.example.com:8443");
        post.Headers.Add("X-Forwarded-Proto", "https");
        using var created = await http.SendAsync(post);
        await AcmeAssert.JsonAsync(created, HttpStatusCode.Created);
        Assert.StartsWith($"https://acme.example.com:8443/acme/profile/{AcmeHost.DefaultProfile}/account/", created.Headers.Location!.ToString());
    }

    [Fact]
    public async Task An_invalid_trusted_proxy_setting_stops_the_service_at_start()
    {
        await Assert.ThrowsAnyAsync<Exception>(() => AcmeHost.StartAsync(database.ConnectionString, output,
            new Dictionary<string, string?> { ["CERTCTL_ACME_SERVER_TRUSTED_PROXIES"] = "not-an-address" }));
    }

    [Fact]
    public async Task A_nonce_older_than_its_lifetime_is_a_bad_nonce()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await AcmeHost.StartAsync(database.ConnectionString, output,
            new Dictionary<string, string?> { ["CERTCTL_ACME_SERVER_NONCE_TTL_SECONDS"] = "60" },
            services => services.AddSingleton<TimeProvider>(clock));
        using var client = new AcmeTestClient(host.Client(), host.Directory());
        var nonce = await client.NonceAsync();
        clock.Advance(TimeSpan.FromSeconds(61));

        using var response = await client.PostAsync(await client.Url("newAccount"), TestKey.Create("ES256"), new { },
            spoil: new AcmeTestClient.Spoil { Nonce = nonce });
        var problem = await AcmeAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "badNonce");
        Assert.Contains("expired", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_missing_nonce_key_stops_the_service_at_start()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => AcmeHost.StartAsync(database.ConnectionString, output,
            new Dictionary<string, string?> { ["CERTCTL_ACME_SERVER_NONCE_KEY"] = "" }));
        Assert.Contains("CERTCTL_ACME_SERVER_NONCE_KEY", error.Message);
    }
}
