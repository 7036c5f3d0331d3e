using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Certctl.Gateway.ProxyTests;

/// <summary>What the service behind the proxy learns: the client's address, the URL it used, its trace, its credentials.</summary>
public sealed class ProxyForwardingTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    [Fact]
    public async Task Sets_x_forwarded_for_proto_and_host_replacing_values_the_client_sent()
    {
        using var client = fixture.Gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/acme/directory");
        request.Headers.Add("X-Forwarded-For", "203.0.113.66");
        request.Headers.Add("X-Forwarded-Host", "evil.example");
        request.Headers.Add("X-Forwarded-Proto", "gopher");

        var echoed = await SendAsync(client, request);

        Assert.Equal("127.0.0.1", echoed.XForwardedFor);
        Assert.Equal("http", echoed.XForwardedProto);
        Assert.Equal(fixture.Gateway.Address.Authority, echoed.XForwardedHost);
        // Host is the resolved destination; the host the client used travels in X-Forwarded-Host only.
        Assert.Equal(fixture.Echo.Address.Authority, echoed.Host);
    }

    [Fact]
    public async Task Keeps_the_trace_id_the_client_sent()
    {
        // The client's request runs inside a trace; its HttpClient sends that trace's traceparent. (The gateway shares
        // this process, so the client's outgoing headers are written by the same instrumentation: set the trace, not the header.)
        var traceId = ActivityTraceId.CreateRandom();
        using var clientTrace = new Activity("agent-heartbeat").SetParentId(traceId, ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded).Start();
        using var client = fixture.Gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/agents/agent-t1/heartbeat") { Content = JsonContent.Create(new { }) };

        var echoed = await SendAsync(client, request);

        var parts = echoed.Traceparent.Split('-');
        Assert.Equal(4, parts.Length);
        Assert.Equal(traceId.ToHexString(), parts[1]);
        Assert.NotEqual(clientTrace.SpanId.ToHexString(), parts[2]);
    }

    [Fact]
    public async Task Starts_a_trace_when_the_client_sent_none()
    {
        using var client = fixture.Gateway.CreateClient();

        var echoed = await SendAsync(client, new HttpRequestMessage(HttpMethod.Get, "/api/v1/agents/agent-t2/work"));

        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$", echoed.Traceparent);
    }

    [Fact]
    public async Task Passes_the_agents_own_credentials_through_untouched()
    {
        using var client = fixture.Gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/agents/agent-c1/heartbeat") { Content = JsonContent.Create(new { }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "agent-key-not-an-operator-key");

        var echoed = await SendAsync(client, request);

        Assert.Equal("Bearer agent-key-not-an-operator-key", echoed.Authorization);
    }

    [Fact]
    public async Task Returns_the_downstream_status_unchanged()
    {
        using var client = fixture.Gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/agents/agent-g1/heartbeat") { Content = JsonContent.Create(new { }) };
        request.Headers.Add(EchoService.StatusHeader, "410");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
    }

    [Fact]
    public async Task Leaves_an_empty_downstream_error_empty()
    {
        // The gateway's status-code pages must not dress an ACME or agent error up as a gateway problem document.
        using var client = fixture.Gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/acme/new-account") { Content = JsonContent.Create(new { }) };
        request.Headers.Add(EchoService.StatusHeader, "401");
        request.Headers.Add(EchoService.EmptyHeader, "1");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
    }

    private static async Task<EchoedRequest> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.Content.ReadFromJsonAsync<EchoedRequest>() ?? throw new InvalidOperationException("Empty echo.");
        }
    }
}
