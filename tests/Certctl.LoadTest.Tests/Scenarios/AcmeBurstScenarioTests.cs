using System.Net;
using System.Text;
using Certctl.Domain;
using Certctl.LoadTest.Acme;
using Certctl.LoadTest.Scenarios;

namespace Certctl.LoadTest.Tests.Scenarios;

/// <summary>acme_burst against a stand-in ACME server: the three requests, what each answer owes, the 429 shape check, per-endpoint latency.</summary>
public class AcmeBurstScenarioTests
{
    private const string RateLimitedJson = """{"type":"urn:ietf:params:acme:error:rateLimited","detail":"slow down","status":429}""";

    private static AcmeBurstScenario Scenario(Dictionary<string, string>? parameters = null) =>
        (AcmeBurstScenario)ScenarioCatalog.Find("acme_burst", new ScenarioContext(new Uri("http://127.0.0.1:8080/gw/"), parameters ?? []))!;

    [Fact]
    public async Task Takes_turns_at_directory_new_nonce_and_renewal_info_with_urls_from_the_directory_on_the_base_url()
    {
        var scenario = Scenario(new() { ["certificates"] = "2" });
        using var client = new HttpClient(new StubHandler(AcmeServer()));

        await scenario.PrepareAsync(client, CancellationToken.None);
        using var directory = scenario.CreateRequest(0);
        using var nonce = scenario.CreateRequest(1);
        using var first = scenario.CreateRequest(2);
        using var second = scenario.CreateRequest(5);
        using var wrapped = scenario.CreateRequest(8);

        Assert.Equal((HttpMethod.Get, "http://127.0.0.1:8080/gw/acme/profile/prof-standard-tls/directory"), (directory.Method, directory.RequestUri!.ToString()));
        // The directory advertises another host (the one the server believes in); the load stays on the base URL.
        Assert.Equal((HttpMethod.Head, "http://127.0.0.1:8080/gw/acme/profile/prof-standard-tls/new-nonce"), (nonce.Method, nonce.RequestUri!.ToString()));
        Assert.Equal($"http://127.0.0.1:8080/gw/acme/profile/prof-standard-tls/renewal-info/{AcmeBurstFixture.CertIdOf(1)}", first.RequestUri!.ToString());
        Assert.Equal($"http://127.0.0.1:8080/gw/acme/profile/prof-standard-tls/renewal-info/{AcmeBurstFixture.CertIdOf(2)}", second.RequestUri!.ToString());
        Assert.Equal(first.RequestUri, wrapped.RequestUri);
        Assert.Equal(["directory", "new_nonce", "renewal_info", "directory"], Enumerable.Range(0, 4).Select(i => scenario.EndpointOf(i)));
    }

    [Fact]
    public void An_empty_profile_uses_the_shorthand_directory()
    {
        Assert.Equal("http://127.0.0.1:8080/gw/acme/directory", Scenario(new() { ["profile"] = "" }).DirectoryUri.ToString());
    }

    [Fact]
    public void Defaults_are_the_original_thresholds_per_endpoint_at_1000_per_second_over_200_connections()
    {
        var defaults = Scenario().Defaults;

        Assert.Equal(1000, defaults.Rate);
        Assert.Equal(TimeSpan.FromMinutes(1), defaults.Duration);
        Assert.Equal(200, defaults.Connections);
        Assert.Equal(["directory.p95<500ms", "new_nonce.p95<300ms", "renewal_info.p95<800ms", "errors<1%"], defaults.Thresholds.Select(t => t.Expression));
        Assert.Equal(200, LoadOptions.Parse(["acme_burst"]).ConnectionsFor(Scenario()));
        Assert.Equal(64, LoadOptions.Parse(["acme_burst", "--connections", "64"]).ConnectionsFor(Scenario()));
    }

    [Fact]
    public async Task Preparation_says_to_seed_when_renewal_info_does_not_know_the_first_certificate()
    {
        using var client = new HttpClient(new StubHandler(request =>
            request.RequestUri!.AbsolutePath.Contains("/renewal-info/", StringComparison.Ordinal) ? Problem(404, "malformed") : AcmeServer()(request)));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Scenario().PrepareAsync(client, CancellationToken.None));

        Assert.Contains("seed acme_burst", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preparation_fails_when_the_directory_does_not_advertise_renewal_info()
    {
        using var client = new HttpClient(new StubHandler(_ => StubHandler.Json("""{"newNonce":"http://x/acme/new-nonce"}""")));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Scenario().PrepareAsync(client, CancellationToken.None));

        Assert.Contains("renewalInfo", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Judges_each_answer_by_what_its_endpoint_owes_and_every_429_by_its_shape()
    {
        var scenario = Scenario();
        using var client = new HttpClient(new StubHandler(AcmeServer()));
        await scenario.PrepareAsync(client, CancellationToken.None);

        Assert.Null(await CheckAsync(scenario, 1, Ok(replayNonce: true)));
        Assert.Equal(ErrorKinds.HttpStatus, await CheckAsync(scenario, 1, Ok(replayNonce: false)));
        Assert.Null(await CheckAsync(scenario, 2, Ok(retryAfter: true)));
        Assert.Equal(ErrorKinds.HttpStatus, await CheckAsync(scenario, 2, Ok(retryAfter: false)));
        Assert.Equal(ErrorKinds.HttpStatus, await CheckAsync(scenario, 0, new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)));

        Assert.Null(await CheckAsync(scenario, 0, RateLimited(RateLimitedJson, "application/problem+json", retryAfter: 30)));
        Assert.Equal(ErrorKinds.MalformedRateLimit, await CheckAsync(scenario, 0, RateLimited(RateLimitedJson, "application/problem+json", retryAfter: null)));
        Assert.Equal(ErrorKinds.MalformedRateLimit, await CheckAsync(scenario, 1, RateLimited(RateLimitedJson, "application/json", retryAfter: 1)));
        Assert.Equal(ErrorKinds.MalformedRateLimit, await CheckAsync(scenario, 2, RateLimited("""{"error":"Rate limit exceeded"}""", "application/problem+json", 1)));
        Assert.Equal(ErrorKinds.MalformedRateLimit, await CheckAsync(scenario, 2, RateLimited("not json", "application/problem+json", 1)));

        var counts = scenario.ResponseCounts().ToDictionary(c => c.Name, c => c.Value);
        Assert.Equal(1, counts["429 rateLimited problem with Retry-After"]);
        Assert.Equal(4, counts["429 without that shape (errors)"]);
        Assert.Equal(1, counts["new_nonce 200 with Replay-Nonce"]);
    }

    [Fact]
    public async Task A_run_records_latency_per_endpoint_and_the_endpoint_thresholds_read_their_own_histograms()
    {
        var scenario = Scenario(new() { ["certificates"] = "5" });
        using var client = new HttpClient(new StubHandler(AcmeServer()));
        await scenario.PrepareAsync(client, CancellationToken.None);
        var plan = new StepPlan(Rate: 300, Duration: TimeSpan.FromMilliseconds(500), Warmup: TimeSpan.Zero, MaxInFlight: 1000, Timeout: TimeSpan.FromSeconds(5));

        var result = (await new ConstantRateRun(client, scenario, plan, TimeProvider.System).ExecuteAsync(null, CancellationToken.None))
            .WithThresholds(scenario.Defaults.Thresholds);

        Assert.Equal(["directory", "new_nonce", "renewal_info"], result.EndpointLatencyMs.Keys);
        Assert.Equal(150, result.EndpointLatencyMs.Values.Sum(l => l.Count));
        Assert.All(result.EndpointLatencyMs.Values, l => Assert.Equal(50, l.Count));
        Assert.Equal(0, result.Errors.Total);
        // Each endpoint rule read its own histogram (its verdict depends on this machine's load, so it is not asserted).
        Assert.Equal(4, result.Thresholds.Count);
        Assert.All(result.Thresholds.Take(3), t => Assert.Equal(result.EndpointLatencyMs[t.Metric.Split('.')[0]].P95, t.Actual));
    }

    [Fact]
    public void The_fixture_names_certificates_by_cert_ids_the_server_parses_back_to_the_seeded_serial_and_aki()
    {
        Assert.True(AriCertificateId.TryParse(AcmeBurstFixture.CertIdOf(42), out var aki, out var serial));

        Assert.Equal(AcmeBurstFixture.AuthorityKeyIdentifierHex, aki);
        Assert.Equal("1ace0000002a", serial);
        Assert.Equal(AcmeBurstFixture.SerialHexOf(42), serial);
        Assert.NotEqual(AcmeBurstFixture.CertIdOf(1), AcmeBurstFixture.CertIdOf(2));
    }

    private static async Task<string?> CheckAsync(AcmeBurstScenario scenario, long sequence, HttpResponseMessage response)
    {
        using (response)
        {
            response.RequestMessage = scenario.CreateRequest(sequence);
            return await scenario.CheckAsync(response, CancellationToken.None);
        }
    }

    /// <summary>A directory that advertises another host, a HEAD new-nonce with its nonce, renewal-info with a window and Retry-After.</summary>
    private static Func<HttpRequestMessage, HttpResponseMessage> AcmeServer() => request =>
    {
        var path = request.RequestUri!.AbsolutePath;
        if (path.EndsWith("/directory", StringComparison.Ordinal))
        {
            return StubHandler.Json("""
                {"newNonce":"https://acme.example.test/gw/acme/profile/prof-standard-tls/new-nonce",
                 "newAccount":"https://acme.example.test/gw/acme/profile/prof-standard-tls/new-account",
                 "renewalInfo":"https://acme.example.test/gw/acme/profile/prof-standard-tls/renewal-info"}
                """);
        }

        return path.Contains("/renewal-info/", StringComparison.Ordinal) ? Ok(retryAfter: true) : Ok(replayNonce: true);
    };

    private static HttpResponseMessage Ok(bool replayNonce = false, bool retryAfter = false)
    {
        var response = StubHandler.Json("""{"suggestedWindow":{"start":"2026-12-01T00:00:00Z","end":"2026-12-02T00:00:00Z"}}""");
        if (replayNonce)
        {
            response.Headers.Add("Replay-Nonce", "nonce");
        }

        if (retryAfter)
        {
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromHours(6));
        }

        return response;
    }

    private static HttpResponseMessage RateLimited(string body, string contentType, int? retryAfter)
    {
        var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Content = new StringContent(body, Encoding.UTF8, contentType) };
        if (retryAfter is { } seconds)
        {
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(seconds));
        }

        return response;
    }

    private static HttpResponseMessage Problem(int status, string type) =>
        new((HttpStatusCode)status) { Content = new StringContent($$"""{"type":"urn:ietf:params:acme:error:{{type}}","detail":"x","status":{{status}}}""", Encoding.UTF8, "application/problem+json") };
}
