using System.Diagnostics;
using Certctl.ServiceDefaults;
using Certctl.ServiceDefaults.Tracing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;

namespace Certctl.IntegrationTests;

/// <summary>
/// Runs alone: whether an activity is recorded is the verdict of every tracer provider listening to the source, and another test
/// class's host, started at the same time, samples with its own limits (a CI run counted 9 roots against a limit of 3).
/// </summary>
[CollectionDefinition(nameof(TraceSamplingTests), DisableParallelization = true)]
public sealed class TraceSamplingCollection;

[Collection(nameof(TraceSamplingTests))]
public sealed class TraceSamplingTests
{
    [Fact]
    public void The_limiter_admits_one_seconds_worth_at_once_then_one_per_interval()
    {
        long now = 0;
        var limiter = new TraceRateLimiter(10, () => now);

        var burst = Enumerable.Range(0, 20).Count(_ => limiter.TryAdmit());
        Assert.Equal(10, burst);

        now += Stopwatch.Frequency / 20; // 50 ms: half an interval
        Assert.False(limiter.TryAdmit());
        now += Stopwatch.Frequency / 20; // 100 ms: one interval
        Assert.True(limiter.TryAdmit());
        Assert.False(limiter.TryAdmit());

        now += Stopwatch.Frequency * 5; // idle: the burst refills, but never beyond one second's worth
        Assert.Equal(10, Enumerable.Range(0, 20).Count(_ => limiter.TryAdmit()));
    }

    [Fact]
    public void A_burst_larger_than_the_rate_is_admitted_at_once_and_refills_at_the_rate()
    {
        long now = 0;
        var limiter = new TraceRateLimiter(2, () => now, burst: 20);

        Assert.Equal(20, Enumerable.Range(0, 50).Count(_ => limiter.TryAdmit()));
        now += Stopwatch.Frequency * 3; // three seconds at two a second: six more, not a new burst
        Assert.Equal(6, Enumerable.Range(0, 50).Count(_ => limiter.TryAdmit()));
        now += Stopwatch.Frequency * 60; // a quiet minute: the burst is back, and no more
        Assert.Equal(20, Enumerable.Range(0, 50).Count(_ => limiter.TryAdmit()));
    }

    [Fact]
    public void The_sampling_settings_default_to_two_a_second_after_a_burst_of_twenty_and_refuse_a_fractional_burst()
    {
        var defaults = TraceSamplingOptions.From(new ConfigurationBuilder().Build());
        Assert.Equal(new TraceSamplingOptions(1, 2, 20), defaults);
        var fractional = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [TraceSamplingOptions.BurstKey] = "2.5" }).Build();
        Assert.Contains(TraceSamplingOptions.BurstKey, Assert.Throws<InvalidOperationException>(() => TraceSamplingOptions.From(fractional)).Message);
    }

    [Fact]
    public void The_limiter_holds_under_concurrent_callers()
    {
        long now = 0;
        var limiter = new TraceRateLimiter(100, () => Volatile.Read(ref now));
        var admitted = 0;
        Parallel.For(0, 10_000, _ =>
        {
            if (limiter.TryAdmit())
            {
                Interlocked.Increment(ref admitted);
            }
        });

        Assert.Equal(100, admitted);
    }

    [Fact]
    public void The_root_sampler_applies_the_ratio_and_then_the_rate()
    {
        long now = 0;
        var none = new RateLimitedRootSampler(0, 0);
        var unlimited = new RateLimitedRootSampler(1, 0);
        var limited = new RateLimitedRootSampler(1, 5, new TraceRateLimiter(5, () => now));

        Assert.Equal(0, Kept(none, 100));
        Assert.Equal(100, Kept(unlimited, 100));
        Assert.Equal(5, Kept(limited, 100));
    }

    [Fact]
    public void A_service_keeps_at_most_its_limit_of_new_traces_but_always_continues_a_sampled_callers_trace()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OTEL_TRACES_SAMPLER"] = "always_on", // what Aspire gives every project: the Certctl sampler must win over it
            [TraceSamplingOptions.MaxPerSecondKey] = "3",
            [TraceSamplingOptions.BurstKey] = "3",
        });
        builder.AddServiceDefaults();
        using var host = builder.Build();
        _ = host.Services.GetRequiredService<TracerProvider>();

        var roots = 0;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 50; i++)
        {
            using var activity = Telemetry.ActivitySource.StartActivity("root " + i);
            roots += activity is { Recorded: true } ? 1 : 0;
        }

        var elapsedSeconds = clock.Elapsed.TotalSeconds;

        var sampledCaller = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);
        var continued = 0;
        for (var i = 0; i < 50; i++)
        {
            using var activity = Telemetry.ActivitySource.StartActivity("consume " + i, ActivityKind.Consumer, sampledCaller);
            continued += activity is { Recorded: true } ? 1 : 0;
        }

        // The burst, plus 3 a second for as long as the loop ran (it can take seconds on a busy CI machine), plus one if it straddled.
        Assert.InRange(roots, 3, 3 + (int)Math.Floor(elapsedSeconds * 3) + 1);
        Assert.Equal(50, continued);
    }

    private static int Kept(Sampler sampler, int count) => Enumerable.Range(0, count).Count(i =>
        sampler.ShouldSample(new SamplingParameters(default, ActivityTraceId.CreateRandom(), "span " + i, ActivityKind.Internal)).Decision
            == SamplingDecision.RecordAndSample);
}
