namespace Certctl.LoadTest.Scenarios;

/// <summary>Every scenario the driver knows. To add one, write its class and add its constructor here.</summary>
public static class ScenarioCatalog
{
    private static readonly Func<ScenarioContext, IScenario>[] Factories =
    [
        context => new CeilingScenario(context),
        context => new BulkRenewalScenario(context),
        context => new CertificateListScenario(context),
        context => new AgentStormScenario(context),
        context => new AcmeBurstScenario(context),
    ];

    /// <summary>All scenarios, built for <paramref name="context"/>.</summary>
    public static IReadOnlyList<IScenario> All(ScenarioContext context) => [.. Factories.Select(create => create(context))];

    /// <summary>The scenario called <paramref name="name"/>, or null.</summary>
    public static IScenario? Find(string name, ScenarioContext context) =>
        All(context).FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
}
