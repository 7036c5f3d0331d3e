using Certctl.LoadTest.Scenarios;

namespace Certctl.LoadTest.Tests;

public class ScenarioCatalogTests
{
    private static ScenarioContext Context(string baseUrl) => new(new Uri(baseUrl), new Dictionary<string, string>());

    [Fact]
    public void Ceiling_gets_alive_under_the_base_url_keeping_any_prefix()
    {
        var scenario = ScenarioCatalog.Find("ceiling", Context("http://localhost:8080/gw/"))!;

        using var request = scenario.CreateRequest(42);

        Assert.Equal(HttpMethod.Get, request.Method);
        Assert.Equal(new Uri("http://localhost:8080/gw/alive"), request.RequestUri);
    }

    [Fact]
    public void Ceiling_defaults_to_1000_per_second_for_30_seconds_with_p99_under_10ms_and_errors_under_a_tenth_of_a_percent()
    {
        var defaults = ScenarioCatalog.Find("CEILING", Context("http://localhost:8080/"))!.Defaults;

        Assert.Equal(1000, defaults.Rate);
        Assert.Equal(TimeSpan.FromSeconds(30), defaults.Duration);
        Assert.Equal(["p99<10ms", "errors<0.1%"], defaults.Thresholds.Select(t => t.Expression));
    }

    [Fact]
    public void Scenario_names_are_unique_and_unknown_names_find_nothing()
    {
        var names = ScenarioCatalog.All(Context("http://localhost:8080/")).Select(s => s.Name).ToList();

        Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Null(ScenarioCatalog.Find("nope", Context("http://localhost:8080/")));
    }

    [Fact]
    public async Task By_default_a_status_of_400_or_more_is_an_error()
    {
        var scenario = ScenarioCatalog.Find("ceiling", Context("http://localhost:8080/"))!;
        using var ok = new HttpResponseMessage(System.Net.HttpStatusCode.NoContent);
        using var bad = new HttpResponseMessage(System.Net.HttpStatusCode.TooManyRequests);

        Assert.Null(await scenario.CheckAsync(ok, CancellationToken.None));
        Assert.Equal(ErrorKinds.HttpStatus, await scenario.CheckAsync(bad, CancellationToken.None));
    }
}
