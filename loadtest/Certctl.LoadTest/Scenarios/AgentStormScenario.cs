using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Certctl.LoadTest.Agents;

namespace Certctl.LoadTest.Scenarios;

/// <summary>
/// POST {base}/api/v1/agents/{id}/heartbeat at a constant rate, round-robin over the fleet of <c>seed agent_storm</c>, each
/// with that agent's own token, through the gateway's proxy to agent ingest. Any status but 200 is an error (a 503 means the
/// heartbeat buffer was full, a 401 that the seed and the run used different secrets).
/// </summary>
public sealed class AgentStormScenario : IScenario
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"version":"1.0.0"}""");
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly ScenarioContext context;
    private readonly Lazy<(Uri Uri, AuthenticationHeaderValue Authorization)[]> agents;

    public AgentStormScenario(ScenarioContext context)
    {
        this.context = context;
        // Built on first use: every scenario is constructed to list them (--help) or to find one, and that needs neither the
        // secret nor a valid agent count.
        agents = new Lazy<(Uri, AuthenticationHeaderValue)[]>(() =>
        {
            var secret = AgentFleet.RequireSecret(context.Parameter("agent_secret", string.Empty));
            return Enumerable.Range(1, Agents)
                .Select(AgentFleet.IdOf)
                .Select(id => (context.Resolve($"api/v1/agents/{id}/heartbeat"), new AuthenticationHeaderValue("Bearer", AgentFleet.TokenOf(secret, id))))
                .ToArray();
        });
        Defaults = new ScenarioDefaults(
            Rate: 2000,
            Duration: TimeSpan.FromMinutes(2),
            Thresholds: [Threshold.Parse("p99<1s"), Threshold.Parse("p95<500ms"), Threshold.Parse("errors<0.1%")]);
    }

    public string Name => AgentFleet.Name;

    public string Description =>
        "POST {base}/api/v1/agents/{id}/heartbeat round-robin over the seeded fleet (--param agents=5000), each with its own token; $" + AgentFleet.SecretVariable;

    public ScenarioDefaults Defaults { get; }

    /// <summary>How many agents of the fleet the heartbeats go round (<c>--param agents=</c>, default 5,000).</summary>
    public int Agents =>
        int.TryParse(context.Parameter("agents", string.Empty), NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count is > 0 and <= AgentFleet.MaxCount
            ? count
            : context.Parameters.ContainsKey("agents")
                ? throw new UsageException($"--param agents= must be a whole number from 1 to {AgentFleet.MaxCount}.")
                : AgentFleet.DefaultCount;

    public HttpRequestMessage CreateRequest(long sequence)
    {
        var fleet = agents.Value;
        var (uri, authorization) = fleet[sequence % fleet.Length];
        var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(Body) };
        request.Content.Headers.ContentType = Json;
        request.Headers.Authorization = authorization;
        return request;
    }

    /// <summary>One untimed heartbeat of the first agent: a wrong secret or a missing fleet fails the run before it starts, with the reason.</summary>
    public async Task PrepareAsync(HttpClient client, CancellationToken cancellationToken)
    {
        using var request = CreateRequest(0);
        using var response = await client.SendAsync(request, cancellationToken);
        var status = (int)response.StatusCode;
        if (status != 200)
        {
            throw new InvalidOperationException(status switch
            {
                401 => $"the first agent's token was refused (401): seed {AgentFleet.Name} with the same {AgentFleet.SecretVariable} first.",
                404 => $"{AgentFleet.IdOf(1)} does not exist (404): run `seed {AgentFleet.Name}` first.",
                410 => $"{AgentFleet.IdOf(1)} is retired (410): run `seed {AgentFleet.Name}` again to bring the fleet back.",
                _ => $"a heartbeat of {AgentFleet.IdOf(1)} answered {status}.",
            });
        }
    }

    public ValueTask<string?> CheckAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        ValueTask.FromResult((int)response.StatusCode == 200 ? null : ErrorKinds.HttpStatus);
}
