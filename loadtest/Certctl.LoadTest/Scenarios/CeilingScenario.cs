namespace Certctl.LoadTest.Scenarios;

/// <summary>
/// GET {base}/alive at a constant rate: the cheapest request the gateway serves, so the figure it yields is the
/// suite's request-handling ceiling with no database or broker in the path.
/// </summary>
public sealed class CeilingScenario(ScenarioContext context) : IScenario
{
    private readonly Uri alive = context.Resolve("alive");

    public string Name => "ceiling";

    public string Description => "GET {base}/alive; finds the rate at which p99 stays under 10 ms";

    public ScenarioDefaults Defaults { get; } = new(
        Rate: 1000,
        Duration: TimeSpan.FromSeconds(30),
        Thresholds: [Threshold.Parse("p99<10ms"), Threshold.Parse("errors<0.1%")]);

    public HttpRequestMessage CreateRequest(long sequence) => new(HttpMethod.Get, alive);
}
