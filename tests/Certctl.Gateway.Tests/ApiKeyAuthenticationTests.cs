using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Certctl.Gateway.Tests;

/// <summary>Bearer API keys on the operator API: 401 variants, 403 for non-admins, exempt paths, auth/check.</summary>
public sealed class ApiKeyAuthenticationTests(MigratedDatabaseFixture<ApiKeyAuthenticationTests> database, ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<ApiKeyAuthenticationTests>>
{
    [Fact]
    public async Task A_missing_header_is_401_with_a_bearer_challenge_and_a_problem()
    {
        await using var gateway = await StartAsync();

        using var response = await gateway.Client().GetAsync("/api/v1/auth/check");

        var problem = await ProblemJson.ReadAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer realm=\"certctl\"", Assert.Single(response.Headers.WwwAuthenticate).ToString());
        Assert.Contains("Authorization header is required", problem.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Basic YWxpY2U6cGFzcw==")]
    [InlineData("Bearer")]
    [InlineData("Bearer ")]
    [InlineData("Bearer two tokens")]
    [InlineData("Token abc")]
    public async Task A_malformed_header_is_401_with_its_own_detail(string header)
    {
        await using var gateway = await StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/auth/check");
        request.Headers.TryAddWithoutValidation("Authorization", header);

        using var response = await gateway.Client().SendAsync(request);

        var problem = await ProblemJson.ReadAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer realm=\"certctl\", error=\"invalid_request\"", response.Headers.WwwAuthenticate.ToString());
        Assert.Contains("must have the form: Bearer <api key>", problem.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not-a-configured-key")]
    [InlineData(GatewayHost.AliceKey + "x")]
    [InlineData("alice-key-0123456789abcdefghijkL")]
    public async Task An_unknown_key_is_401_with_invalid_token(string key)
    {
        await using var gateway = await StartAsync();

        using var response = await gateway.Client(key).GetAsync("/api/v1/auth/check");

        var problem = await ProblemJson.ReadAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer realm=\"certctl\", error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal("The API key is not valid.", problem.Detail);
    }

    [Theory]
    [InlineData(GatewayHost.AliceKey, "alice", true)]
    [InlineData(GatewayHost.BobKey, "bob", false)]
    [InlineData(GatewayHost.BobNextKey, "bob", false)]
    public async Task Auth_check_names_the_key_and_its_admin_flag(string key, string user, bool admin)
    {
        await using var gateway = await StartAsync();

        using var response = await gateway.Client(key).GetAsync("/api/v1/auth/check");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("authenticated", body.GetProperty("status").GetString());
        Assert.Equal(user, body.GetProperty("user").GetString());
        Assert.Equal(admin, body.GetProperty("admin").GetBoolean());
    }

    [Fact]
    public async Task The_scheme_name_is_case_insensitive()
    {
        await using var gateway = await StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/auth/check");
        request.Headers.TryAddWithoutValidation("Authorization", "bearer " + GatewayHost.BobKey);

        using var response = await gateway.Client().SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_non_admin_key_is_403_on_an_admin_endpoint_and_an_admin_key_passes()
    {
        await using var gateway = await StartAsync();

        using var forbidden = await gateway.Client(GatewayHost.BobKey).PostAsync("/api/v1/bulk-revoke", null);
        using var allowed = await gateway.Client(GatewayHost.AliceKey).PostAsync("/api/v1/bulk-revoke", null);
        using var anonymous = await gateway.Client().PostAsync("/api/v1/bulk-revoke", null);

        var problem = await ProblemJson.ReadAsync(forbidden, HttpStatusCode.Forbidden);
        Assert.Contains("'bob'", problem.Detail, StringComparison.Ordinal);
        Assert.Contains("admin", problem.Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal("alice", (await allowed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("actor").GetString());
        await ProblemJson.ReadAsync(anonymous, HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("/alive")]
    [InlineData("/api/v1/version")]
    [InlineData("/api/v1/anonymous")]
    public async Task Exempt_paths_answer_without_a_key(string path)
    {
        await using var gateway = await StartAsync();

        using var response = await gateway.Client().GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Exempt_paths_ignore_a_wrong_key_instead_of_refusing_it()
    {
        await using var gateway = await StartAsync();

        using var response = await gateway.Client("an-agent-or-acme-credential").GetAsync("/api/v1/anonymous");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(response.Headers.WwwAuthenticate);
    }

    [Fact]
    public async Task Every_answer_carries_the_request_id()
    {
        await using var gateway = await StartAsync();

        using var ok = await gateway.Client(GatewayHost.BobKey).GetAsync("/api/v1/auth/check");
        using var unauthorized = await gateway.Client().GetAsync("/api/v1/auth/check");

        Assert.False(string.IsNullOrWhiteSpace(ok.Headers.GetValues("X-Request-ID").Single()));
        Assert.NotEqual(ok.Headers.GetValues("X-Request-ID").Single(), unauthorized.Headers.GetValues("X-Request-ID").Single());
    }

    [Fact]
    public async Task Unknown_operator_paths_answer_404_problems()
    {
        await using var gateway = await StartAsync();
        using var client = gateway.Client(GatewayHost.BobKey);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        using var response = await client.GetAsync("/api/v1/no-such-resource");

        await ProblemJson.ReadAsync(response, HttpStatusCode.NotFound);
    }

    private Task<GatewayHost> StartAsync() => GatewayHost.StartAsync(database.ConnectionString, output, TestEndpoints.Map);
}
