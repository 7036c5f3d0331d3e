using System.Net;
using System.Net.Http.Headers;
using Certctl.LoadTest.Scenarios;

namespace Certctl.LoadTest.Tests.Scenarios;

public class CertificateListScenarioTests
{
    private const string Page = """{"data":[{"id":"mc-loadtest-list-000001"}],"next_cursor":"c","limit":100}""";

    private static ScenarioContext Context(Dictionary<string, string>? parameters = null) =>
        new(new Uri("http://localhost:8080/"), parameters ?? []) { ApiKey = new ApiKey("k3y") };

    private static CertificateListScenario Revalidating() =>
        (CertificateListScenario)ScenarioCatalog.Find("certificate_list", Context(new() { [LoadOptions.IfNoneMatchParameter] = "true" }))!;

    private static HttpResponseMessage PageWithTag(string tag)
    {
        var response = StubHandler.Json(Page);
        response.Headers.ETag = new EntityTagHeaderValue(tag);
        return response;
    }

    [Fact]
    public void Gets_the_first_page_of_100_with_the_bearer_key_and_no_condition()
    {
        var scenario = ScenarioCatalog.Find("certificate_list", Context())!;

        using var request = scenario.CreateRequest(0);

        Assert.Equal(HttpMethod.Get, request.Method);
        Assert.Equal(new Uri("http://localhost:8080/api/v1/certificates?limit=100"), request.RequestUri);
        Assert.Equal("Bearer k3y", request.Headers.Authorization!.ToString());
        Assert.Empty(request.Headers.IfNoneMatch);
    }

    [Fact]
    public void Filters_given_as_parameters_become_the_query_in_a_fixed_order_and_escaped()
    {
        var context = Context(new() { ["team_id"] = "t-platform", ["status"] = "Active", ["limit"] = "500", ["name_prefix"] = "a b&c", ["unrelated"] = "x" });

        var scenario = (CertificateListScenario)ScenarioCatalog.Find("certificate_list", context)!;

        Assert.Equal("/api/v1/certificates?limit=500&status=Active&team_id=t-platform&name_prefix=a%20b%26c", scenario.ListUri.PathAndQuery);
    }

    [Fact]
    public void Defaults_are_50_per_second_for_5_minutes_with_p95_20ms_or_3ms_on_the_304_path()
    {
        var full = ScenarioCatalog.Find("certificate_list", Context())!.Defaults;
        var revalidating = Revalidating().Defaults;

        Assert.Equal(50, full.Rate);
        Assert.Equal(TimeSpan.FromMinutes(5), full.Duration);
        Assert.Equal(["p95<20ms", "errors<1%"], full.Thresholds.Select(t => t.Expression));
        Assert.Equal(["p95<3ms", "errors<1%"], revalidating.Thresholds.Select(t => t.Expression));
    }

    [Fact]
    public async Task Revalidating_fetches_the_etag_first_and_sends_it_with_every_request()
    {
        var scenario = Revalidating();
        using var client = new HttpClient(new StubHandler(_ => PageWithTag("\"v1\"")));

        await scenario.PrepareAsync(client, CancellationToken.None);
        using var request = scenario.CreateRequest(1);

        Assert.Equal("\"v1\"", scenario.ETag);
        Assert.Equal("\"v1\"", Assert.Single(request.Headers.IfNoneMatch).ToString());
    }

    [Fact]
    public async Task Revalidating_without_an_etag_cannot_prepare()
    {
        var scenario = Revalidating();
        using var client = new HttpClient(new StubHandler(_ => StubHandler.Json(Page)));

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => scenario.PrepareAsync(client, CancellationToken.None));

        Assert.Contains("without an ETag", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Counts_200_and_304_and_follows_a_changed_list_to_its_new_tag()
    {
        var scenario = Revalidating();
        using var client = new HttpClient(new StubHandler(_ => PageWithTag("\"v1\"")));
        await scenario.PrepareAsync(client, CancellationToken.None);
        using var notModified = new HttpResponseMessage(HttpStatusCode.NotModified);
        using var changed = PageWithTag("\"v2\"");

        Assert.Null(await scenario.CheckAsync(notModified, CancellationToken.None));
        Assert.Null(await scenario.CheckAsync(notModified, CancellationToken.None));
        Assert.Null(await scenario.CheckAsync(changed, CancellationToken.None));

        Assert.Equal("\"v2\"", scenario.ETag);
        var report = scenario.ResponseCounts().ToDictionary(count => count.Name, count => count.Value);
        Assert.Equal(1, report["200 full page"]);
        Assert.Equal(2, report["304 not modified"]);
        Assert.Equal(1, report["200 despite If-None-Match (list changed)"]);
    }

    [Fact]
    public async Task Without_if_none_match_a_304_is_unexpected_and_a_200_is_just_a_full_page()
    {
        var scenario = ScenarioCatalog.Find("certificate_list", Context())!;
        using var ok = StubHandler.Json(Page);
        using var notModified = new HttpResponseMessage(HttpStatusCode.NotModified);
        using var unauthorized = new HttpResponseMessage(HttpStatusCode.Unauthorized);

        Assert.Null(await scenario.CheckAsync(ok, CancellationToken.None));
        Assert.Equal(ErrorKinds.HttpStatus, await scenario.CheckAsync(notModified, CancellationToken.None));
        Assert.Equal(ErrorKinds.HttpStatus, await scenario.CheckAsync(unauthorized, CancellationToken.None));
        var report = scenario.ResponseCounts().ToDictionary(count => count.Name, count => count.Value);
        Assert.Equal(1, report["200 full page"]);
        Assert.Equal(0, report["304 not modified"]);
        Assert.False(report.ContainsKey("200 despite If-None-Match (list changed)"));
    }
}
