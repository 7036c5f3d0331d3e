using System.Net;
using System.Net.Http.Json;

namespace Certctl.Gateway.ProxyTests;

/// <summary>Which requests the gateway forwards (ACME and the agent paths) and which it keeps (operator agent endpoints).</summary>
public sealed class ProxyRoutingTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    [Theory]
    [InlineData("POST", "/api/v1/agents", "")]
    [InlineData("POST", "/api/v1/agents/agent-r1/heartbeat", "")]
    [InlineData("GET", "/api/v1/agents/agent-r1/work", "?limit=5")]
    [InlineData("POST", "/api/v1/agents/agent-r1/csr", "")]
    [InlineData("GET", "/api/v1/agents/agent-r1/certificates/mc-7", "")]
    [InlineData("POST", "/api/v1/agents/agent-r1/jobs/job-9/status", "")]
    [InlineData("POST", "/api/v1/agents/agent-r1/jobs/job-9/verification", "")]
    [InlineData("POST", "/api/v1/agents/agent-r1/discoveries", "")]
    [InlineData("GET", "/acme/directory", "")]
    [InlineData("GET", "/acme/renewal-info/aaaa.bbbb", "")]
    [InlineData("POST", "/acme/profile/prof-corp/new-order", "")]
    [InlineData("GET", "/acme/profile/prof-corp/directory", "?x=1&y=%2F")]
    public async Task Forwards_method_path_and_query_without_an_operator_key(string method, string path, string query)
    {
        using var client = fixture.Gateway.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), path + query);
        if (method == "POST")
        {
            request.Content = JsonContent.Create(new { probe = path });
        }

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echoed = await response.Content.ReadFromJsonAsync<EchoedRequest>();
        Assert.NotNull(echoed);
        Assert.Equal(method, echoed.Method);
        Assert.Equal(path, echoed.Path);
        Assert.Equal(query, echoed.Query);
        Assert.Equal("", echoed.Authorization);
        if (method == "POST")
        {
            Assert.Contains(path, echoed.Body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Head_reaches_acme_for_new_nonce()
    {
        using var client = fixture.Gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Head, "/acme/new-nonce?head-probe=1");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(fixture.Echo.Seen, seen => seen is { Method: "HEAD", Path: "/acme/new-nonce", Query: "?head-probe=1" });
    }

    [Theory]
    [InlineData("GET", "/api/v1/agents")]
    [InlineData("GET", "/api/v1/agents/agent-op1")]
    [InlineData("DELETE", "/api/v1/agents/agent-op1")]
    [InlineData("GET", "/api/v1/agents/retired")]
    public async Task Operator_agent_endpoints_stay_in_the_gateway(string method, string path)
    {
        using var client = fixture.Gateway.CreateClient(withKey: true);
        using var anonymous = fixture.Gateway.CreateClient();

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        using var withoutKey = await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(TestGateway.OperatorMarker, await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, withoutKey.StatusCode);
        Assert.DoesNotContain(fixture.Echo.Seen, seen => seen.Path == path);
    }

    [Fact]
    public async Task Unlisted_agent_paths_are_not_forwarded()
    {
        using var client = fixture.Gateway.CreateClient(withKey: true);

        using var response = await client.PutAsync("/api/v1/agents/agent-u1/heartbeat-extra", null);

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(fixture.Echo.Seen, seen => seen.Path.Contains("agent-u1", StringComparison.Ordinal));
    }
}
