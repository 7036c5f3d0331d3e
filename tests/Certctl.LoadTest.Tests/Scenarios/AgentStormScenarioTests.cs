using System.Security.Cryptography;
using System.Text;
using Certctl.LoadTest.Agents;
using Certctl.LoadTest.Scenarios;

namespace Certctl.LoadTest.Tests.Scenarios;

public class AgentStormScenarioTests
{
    private const string Secret = "agent-storm-test-secret-0123456789abcdef";

    private static IScenario Scenario(Dictionary<string, string>? parameters = null) =>
        ScenarioCatalog.Find("agent_storm", new ScenarioContext(new Uri("http://localhost:8080/gw/"), parameters ?? new() { ["agent_secret"] = Secret }))!;

    [Fact]
    public async Task Posts_a_heartbeat_round_robin_over_the_fleet_each_with_its_own_token()
    {
        var scenario = Scenario(new() { ["agent_secret"] = Secret, ["agents"] = "3" });

        using var first = scenario.CreateRequest(0);
        using var third = scenario.CreateRequest(2);
        using var wrapped = scenario.CreateRequest(3);

        Assert.Equal(HttpMethod.Post, first.Method);
        Assert.Equal(new Uri("http://localhost:8080/gw/api/v1/agents/ag-loadtest-agent-00001/heartbeat"), first.RequestUri);
        Assert.Equal(new Uri("http://localhost:8080/gw/api/v1/agents/ag-loadtest-agent-00003/heartbeat"), third.RequestUri);
        Assert.Equal(first.RequestUri, wrapped.RequestUri);
        Assert.Equal("Bearer", first.Headers.Authorization!.Scheme);
        Assert.Equal(AgentFleet.TokenOf(Secret, "ag-loadtest-agent-00001"), first.Headers.Authorization.Parameter);
        Assert.NotEqual(first.Headers.Authorization.Parameter, third.Headers.Authorization!.Parameter);
        Assert.Equal("""{"version":"1.0.0"}""", await first.Content!.ReadAsStringAsync());
        Assert.Equal("application/json", first.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public void Defaults_are_2000_per_second_for_2_minutes_with_the_original_thresholds_as_the_floor()
    {
        var defaults = Scenario().Defaults;

        Assert.Equal(2000, defaults.Rate);
        Assert.Equal(TimeSpan.FromMinutes(2), defaults.Duration);
        Assert.Equal(["p99<1s", "p95<500ms", "errors<0.1%"], defaults.Thresholds.Select(t => t.Expression));
    }

    [Fact]
    public void Without_a_secret_building_a_request_is_a_usage_error_naming_the_variable()
    {
        var scenario = ScenarioCatalog.Find("agent_storm", new ScenarioContext(new Uri("http://localhost:8080/"), new Dictionary<string, string>()))!;
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(AgentFleet.SecretVariable)))
        {
            return; // the environment supplies one; the rule is covered by RequireSecret's own test below
        }

        var error = Assert.Throws<UsageException>(() => scenario.CreateRequest(0));
        Assert.Contains(AgentFleet.SecretVariable, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_secret_comes_from_the_command_line_or_the_environment_and_must_be_long()
    {
        Assert.Equal(Secret, AgentFleet.RequireSecret(Secret, _ => null));
        Assert.Equal(Secret, AgentFleet.RequireSecret(null, name => name == AgentFleet.SecretVariable ? Secret : null));
        Assert.Throws<UsageException>(() => AgentFleet.RequireSecret(null, _ => null));
        Assert.Throws<UsageException>(() => AgentFleet.RequireSecret("short", _ => null));
    }

    [Fact]
    public void A_token_is_43_base64url_characters_and_its_hash_is_what_the_server_stores()
    {
        var token = AgentFleet.TokenOf(Secret, "ag-loadtest-agent-00042");

        Assert.Equal(43, token.Length);
        Assert.Matches("^[A-Za-z0-9_-]+$", token);
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(token)), AgentFleet.TokenHash(token));
        Assert.NotEqual(token, AgentFleet.TokenOf(Secret + "x", "ag-loadtest-agent-00042"));
    }

    [Fact]
    public void The_os_mix_is_80_10_10_in_every_hundred()
    {
        var mix = Enumerable.Range(1, 100).GroupBy(AgentFleet.OsOf).ToDictionary(g => g.Key, g => g.Count());

        Assert.Equal(80, mix["linux"]);
        Assert.Equal(10, mix["windows"]);
        Assert.Equal(10, mix["darwin"]);
    }

    [Fact]
    public void An_agent_count_out_of_range_is_a_usage_error()
    {
        Assert.Throws<UsageException>(() => Scenario(new() { ["agent_secret"] = Secret, ["agents"] = "0" }).CreateRequest(0));
        Assert.Throws<UsageException>(() => Scenario(new() { ["agent_secret"] = Secret, ["agents"] = "100000" }).CreateRequest(0));
    }
}
