using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Certctl.Client;

namespace Certctl.EndToEnd.Tests.Agents;

/// <summary>Agent credentials through the gateway: one agent's token works only on its own paths, and retiring an agent stops its process cleanly.</summary>
[Collection(SuiteCollection.Name)]
public sealed class AgentIdentityTests(SuiteFixture suite)
{
    private ICertctlApi Client => CertctlClient.Create(new Uri($"http://localhost:{suite.GatewayPort}"), suite.ApiKey);

    [Fact]
    public async Task Agent_As_token_cannot_heartbeat_poll_or_report_as_agent_B()
    {
        await WaitHealthyAsync();
        var (a, tokenA) = await RegisterAsync("e2e-agent-a");
        var (b, tokenB) = await RegisterAsync("e2e-agent-b");

        // Each token works on its own agent's paths ...
        Assert.Equal(HttpStatusCode.OK, await SendAsync(HttpMethod.Post, $"/api/v1/agents/{a}/heartbeat", tokenA, new { version = "e2e" }));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(HttpMethod.Post, $"/api/v1/agents/{b}/heartbeat", tokenB, new { version = "e2e" }));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(HttpMethod.Get, $"/api/v1/agents/{b}/work", tokenB, null));
        // Heartbeats are written in batches: wait for B's to land, then remember it.
        await WaitAsync(async () => (await Client.GetAgentAsync(b)).Version == "e2e", "B's heartbeat in the database");
        var beforeB = (await Client.GetAgentAsync(b)).LastHeartbeatAt;

        // ... and on no other: every call A makes as B is refused before anything is read or written.
        var asB = new (HttpMethod Method, string Path, object? Body)[]
        {
            (HttpMethod.Post, $"/api/v1/agents/{b}/heartbeat", new { version = "e2e" }),
            (HttpMethod.Get, $"/api/v1/agents/{b}/work", null),
            (HttpMethod.Post, $"/api/v1/agents/{b}/jobs/job-of-b/status", new { status = "Completed" }),
            (HttpMethod.Post, $"/api/v1/agents/{b}/jobs/job-of-b/verification", new { target_id = "tgt-b", expected_fingerprint = "00", actual_fingerprint = "00", verified = true }),
            (HttpMethod.Post, $"/api/v1/agents/{b}/csr", new { certificate_id = "mc-b", csr_pem = "-----BEGIN CERTIFICATE REQUEST-----" }),
            (HttpMethod.Get, $"/api/v1/agents/{b}/certificates/mc-b", null),
            (HttpMethod.Post, $"/api/v1/agents/{b}/discoveries", new { directories = new[] { "/etc" }, errors = new[] { "e2e" } }),
        };
        foreach (var (method, path, body) in asB)
        {
            Assert.True(await SendAsync(method, path, tokenA, body) is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, $"{method} {path} with A's token");
        }

        // A's refused heartbeat as B never reached B's row (a batch is written within 250 ms; a second is plenty).
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(beforeB, (await Client.GetAgentAsync(b)).LastHeartbeatAt);
    }

    [Fact]
    public async Task A_retired_agent_process_exits_with_code_0()
    {
        await WaitHealthyAsync();
        await using var agent = AgentProcess.Start(suite, "e2e-retire");
        var (agentId, _) = await agent.WaitForRegistrationAsync(TimeSpan.FromSeconds(60));
        await WaitAsync(async () => (await Client.GetAgentAsync(agentId)).LastHeartbeatAt is not null, "a heartbeat from the agent");

        using var retired = await Client.RetireAgentAsync(agentId);
        Assert.True(retired.IsSuccessStatusCode, retired.Error?.Message);

        Assert.True(await agent.WaitForExitAsync(TimeSpan.FromSeconds(30)), $"the retired agent is still running:{Environment.NewLine}{agent.Output}");
        Assert.True(agent.ExitCode == 0, $"exit code {agent.ExitCode}:{Environment.NewLine}{agent.Output}");
    }

    private async Task<(string Id, string Token)> RegisterAsync(string prefix)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://localhost:{suite.GatewayPort}") };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/agents")
        {
            Content = JsonContent.Create(new { name = $"{prefix}-{Guid.NewGuid():N}"[..24], hostname = "e2e.example.test", os = "linux" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", suite.AgentBootstrapToken);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (body.RootElement.GetProperty("id").GetString()!, body.RootElement.GetProperty("api_key").GetString()!);
    }

    private async Task<HttpStatusCode> SendAsync(HttpMethod method, string path, string token, object? body)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://localhost:{suite.GatewayPort}") };
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"no {what} within 30 s");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }

    private async Task WaitHealthyAsync()
    {
        using var startup = new CancellationTokenSource(SuiteFixture.StartupTimeout);
        foreach (var resource in new[] { "gateway", "agent-ingest" })
        {
            await suite.App.ResourceNotifications.WaitForResourceHealthyAsync(resource, startup.Token);
        }
    }
}
