using System.Net;
using System.Net.Sockets;
using Certctl.LoadTest.Scenarios;

namespace Certctl.LoadTest.Tests;

/// <summary>Runs real short steps against an in-process handler: checks the counting, not the speed.</summary>
public class ConstantRateRunTests
{
    private static readonly IScenario Ceiling = new CeilingScenario(new ScenarioContext(new Uri("http://127.0.0.1:1/"), new Dictionary<string, string>()));

    [Fact]
    public async Task Sends_every_scheduled_request_and_counts_the_responses()
    {
        using var client = new HttpClient(new StubHandler(_ => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK))));
        var plan = new StepPlan(Rate: 200, Duration: TimeSpan.FromMilliseconds(500), Warmup: TimeSpan.FromMilliseconds(100), MaxInFlight: 1000, Timeout: TimeSpan.FromSeconds(5));

        var result = await new ConstantRateRun(client, Ceiling, plan, TimeProvider.System).ExecuteAsync(progress: null, CancellationToken.None);

        Assert.Equal(20, result.WarmupSent);
        Assert.Equal(100, result.Scheduled);
        Assert.Equal(100, result.Sent);
        Assert.Equal(100, result.Completed);
        Assert.Equal(100, result.LatencyMs.Count);
        Assert.Equal(0, result.Errors.Total);
        Assert.Equal(100, result.StatusCodes["200"]);
        Assert.InRange(result.ElapsedS, 0.45, 5);
    }

    [Fact]
    public async Task Refused_connections_are_errors_without_latency_samples()
    {
        using var client = new HttpClient(new StubHandler(_ => throw new HttpRequestException(
            HttpRequestError.ConnectionError, "refused", new SocketException((int)SocketError.ConnectionRefused))));
        var plan = new StepPlan(100, TimeSpan.FromMilliseconds(300), TimeSpan.Zero, 1000, TimeSpan.FromSeconds(5));

        var result = (await new ConstantRateRun(client, Ceiling, plan, TimeProvider.System).ExecuteAsync(null, CancellationToken.None))
            .WithThresholds([Threshold.Parse("p99<10ms"), Threshold.Parse("errors<0.1%")]);

        Assert.Equal(30, result.Failed);
        Assert.Equal(0, result.Completed);
        Assert.Equal(0, result.LatencyMs.Count);
        Assert.Equal(30, result.Errors.ByKind[ErrorKinds.ConnectionRefused]);
        Assert.Equal(1.0, result.Errors.Rate);
        Assert.False(result.ThresholdsPassed);
    }

    [Fact]
    public async Task Error_statuses_count_by_status_and_as_http_status_errors()
    {
        using var client = new HttpClient(new StubHandler(_ => Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable))));
        var plan = new StepPlan(100, TimeSpan.FromMilliseconds(200), TimeSpan.Zero, 1000, TimeSpan.FromSeconds(5));

        var result = await new ConstantRateRun(client, Ceiling, plan, TimeProvider.System).ExecuteAsync(null, CancellationToken.None);

        Assert.Equal(20, result.Completed);
        Assert.Equal(20, result.Errors.ByStatus["503"]);
        Assert.Equal(20, result.Errors.ByKind[ErrorKinds.HttpStatus]);
    }

    [Fact]
    public async Task Arrivals_beyond_the_in_flight_cap_are_dropped_while_slow_requests_are_out()
    {
        using var client = new HttpClient(new StubHandler(async ct =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(1500), ct);
            return new HttpResponseMessage(HttpStatusCode.OK);
        }));
        var plan = new StepPlan(200, TimeSpan.FromMilliseconds(300), TimeSpan.Zero, MaxInFlight: 5, TimeSpan.FromSeconds(5));

        var result = await new ConstantRateRun(client, Ceiling, plan, TimeProvider.System).ExecuteAsync(null, CancellationToken.None);

        // The first five take 1.5 s, far longer than the whole 300 ms window, so every later arrival finds the cap reached.
        Assert.Equal(5, result.Sent);
        Assert.Equal(55, result.Dropped);
        Assert.Equal(55, result.Errors.ByKind[ErrorKinds.Dropped]);
        Assert.Equal(60, result.Scheduled);
        Assert.InRange(result.LatencyMs.P50, 1490, 10_000); // timers may fire a tick early
    }

    [Fact]
    public async Task Stopping_ends_the_arrivals_early()
    {
        using var client = new HttpClient(new StubHandler(_ => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK))));
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var plan = new StepPlan(100, TimeSpan.FromSeconds(30), TimeSpan.Zero, 1000, TimeSpan.FromSeconds(5));

        var result = await new ConstantRateRun(client, Ceiling, plan, TimeProvider.System).ExecuteAsync(null, stop.Token);

        Assert.InRange(result.Sent, 1, 200);
        Assert.Equal(result.Sent, result.Completed);
    }

    private sealed class StubHandler(Func<CancellationToken, Task<HttpResponseMessage>> respond) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => respond(cancellationToken);
    }
}
