using System.Net;
using System.Text.Json;
using Certctl.LoadTest.Scenarios;

namespace Certctl.LoadTest.Tests.Scenarios;

public class BulkRenewalScenarioTests
{
    private static ScenarioContext Context(string? key = "k3y", Dictionary<string, string>? parameters = null) =>
        new(new Uri("http://localhost:8080/gw/"), parameters ?? []) { ApiKey = key is null ? null : new ApiKey(key) };

    [Fact]
    public void Defaults_are_the_originals_5_per_second_for_5_minutes_with_p99_5s_p95_2s_and_errors_under_1_percent()
    {
        var defaults = ScenarioCatalog.Find("bulk_renewal", Context())!.Defaults;

        Assert.Equal(5, defaults.Rate);
        Assert.Equal(TimeSpan.FromMinutes(5), defaults.Duration);
        Assert.Equal(["p99<5s", "p95<2s", "errors<1%"], defaults.Thresholds.Select(t => t.Expression));
    }

    [Fact]
    public async Task Posts_the_name_prefix_filter_with_the_bearer_key_under_the_base_url()
    {
        var scenario = ScenarioCatalog.Find("bulk_renewal", Context())!;

        using var request = scenario.CreateRequest(0);

        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal(new Uri("http://localhost:8080/gw/api/v1/certificates/bulk-renew"), request.RequestUri);
        Assert.Equal("Bearer k3y", request.Headers.Authorization!.ToString());
        Assert.Equal("application/json", request.Content!.Headers.ContentType!.MediaType);
        using var body = JsonDocument.Parse(await request.Content.ReadAsStringAsync());
        Assert.Equal("loadtest-bulk-", body.RootElement.GetProperty("filter").GetProperty("name_prefix").GetString());
        Assert.Single(body.RootElement.EnumerateObject());
    }

    [Fact]
    public async Task The_prefix_can_be_changed_and_is_sent_as_json()
    {
        var scenario = ScenarioCatalog.Find("bulk_renewal", Context(parameters: new() { ["name_prefix"] = "odd\"prefix-" }))!;

        using var request = scenario.CreateRequest(7);

        using var body = JsonDocument.Parse(await request.Content!.ReadAsStringAsync());
        Assert.Equal("odd\"prefix-", body.RootElement.GetProperty("filter").GetProperty("name_prefix").GetString());
    }

    [Fact]
    public async Task Preparation_without_a_key_is_a_usage_error_naming_both_ways_to_give_one()
    {
        var scenario = ScenarioCatalog.Find("bulk_renewal", Context(key: null))!;
        using var client = new HttpClient(new StubHandler(_ => throw new InvalidOperationException("no request expected")));

        var ex = await Assert.ThrowsAsync<UsageException>(() => scenario.PrepareAsync(client, CancellationToken.None));

        Assert.Contains("--api-key", ex.Message, StringComparison.Ordinal);
        Assert.Contains("CERTCTL_API_KEY", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preparation_checks_the_key_and_that_the_fixture_is_seeded()
    {
        var scenario = ScenarioCatalog.Find("bulk_renewal", Context())!;
        var handler = new StubHandler(_ => StubHandler.Json("""{"data":[],"next_cursor":null,"limit":1}"""));
        using var client = new HttpClient(handler);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => scenario.PrepareAsync(client, CancellationToken.None));

        Assert.Contains("seed bulk_renewal", ex.Message, StringComparison.Ordinal);
        var probe = Assert.Single(handler.Requests);
        Assert.Equal(new Uri("http://localhost:8080/gw/api/v1/certificates?limit=1&name_prefix=loadtest-bulk-"), probe.RequestUri);
        Assert.Equal("Bearer k3y", probe.Headers.Authorization!.ToString());
    }

    [Fact]
    public async Task A_refused_key_fails_the_preparation_with_the_reason()
    {
        var scenario = ScenarioCatalog.Find("bulk_renewal", Context())!;
        using var client = new HttpClient(new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.Unauthorized)));

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => scenario.PrepareAsync(client, CancellationToken.None));

        Assert.Contains("refused the API key (401", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_seeded_fixture_prepares()
    {
        var scenario = ScenarioCatalog.Find("bulk_renewal", Context())!;
        using var client = new HttpClient(new StubHandler(_ => StubHandler.Json("""{"data":[{"id":"mc-loadtest-bulk-00001"}],"next_cursor":"x","limit":1}""")));

        await scenario.PrepareAsync(client, CancellationToken.None);
    }

    [Fact]
    public async Task Answers_are_counted_and_anything_but_a_readable_200_is_an_error()
    {
        var scenario = ScenarioCatalog.Find("bulk_renewal", Context())!;
        using var created = StubHandler.Json("""{"matched":3,"created":3,"skipped":{},"failed":0,"job_ids":["a","b","c"],"job_ids_truncated":false}""");
        using var repeat = StubHandler.Json("""{"matched":3,"created":0,"skipped":{"renewal already active":3},"failed":0,"job_ids":[],"job_ids_truncated":false}""");
        using var garbled = StubHandler.Json("<html>");
        using var problem = StubHandler.Json("""{"title":"Unprocessable"}""", HttpStatusCode.UnprocessableEntity);

        Assert.Null(await scenario.CheckAsync(created, CancellationToken.None));
        Assert.Null(await scenario.CheckAsync(repeat, CancellationToken.None));
        Assert.Equal(ErrorKinds.UnexpectedBody, await scenario.CheckAsync(garbled, CancellationToken.None));
        Assert.Equal(ErrorKinds.HttpStatus, await scenario.CheckAsync(problem, CancellationToken.None));

        var report = scenario.ResponseCounts().ToDictionary(count => count.Name, count => count.Value);
        Assert.Equal(2, report["responses"]);
        Assert.Equal(3, report["created"]);
        Assert.Equal(3, report["skipped"]);
        Assert.Equal(1, report["responses creating jobs"]);
    }
}
