namespace Certctl.LoadTest.Tests;

public class ThresholdTests
{
    [Theory]
    [InlineData("p99<10ms", ThresholdMetric.P99, ThresholdComparison.Less, 10)]
    [InlineData("p95<=5000us", ThresholdMetric.P95, ThresholdComparison.LessOrEqual, 5)]
    [InlineData("p50<1s", ThresholdMetric.P50, ThresholdComparison.Less, 1000)]
    [InlineData("p999<20", ThresholdMetric.P999, ThresholdComparison.Less, 20)]
    [InlineData("p99.9<20ms", ThresholdMetric.P999, ThresholdComparison.Less, 20)]
    [InlineData("max < 250ms", ThresholdMetric.Max, ThresholdComparison.Less, 250)]
    [InlineData("mean<.5ms", ThresholdMetric.Mean, ThresholdComparison.Less, 0.5)]
    [InlineData("errors<0.1%", ThresholdMetric.ErrorRate, ThresholdComparison.Less, 0.1)]
    [InlineData("errors<1", ThresholdMetric.ErrorCount, ThresholdComparison.Less, 1)]
    [InlineData("throughput>=5000", ThresholdMetric.Throughput, ThresholdComparison.GreaterOrEqual, 5000)]
    [InlineData("rps>100/s", ThresholdMetric.Throughput, ThresholdComparison.Greater, 100)]
    public void Parses_expressions(string text, ThresholdMetric metric, ThresholdComparison comparison, double limit)
    {
        var threshold = Threshold.Parse(text);

        Assert.Equal(metric, threshold.Metric);
        Assert.Equal(comparison, threshold.Comparison);
        Assert.Equal(limit, threshold.Limit, 9);
        Assert.Equal(text, threshold.Expression);
    }

    [Theory]
    [InlineData("p99~10ms")]
    [InlineData("p99 10ms")]
    [InlineData("p99<10%")]
    [InlineData("errors<1ms")]
    [InlineData("throughput>5ms")]
    [InlineData("latency<10ms")]
    [InlineData("p99<")]
    [InlineData("<10ms")]
    public void Rejects_malformed_expressions(string text)
    {
        Assert.Throws<FormatException>(() => Threshold.Parse(text));
    }

    [Fact]
    public void Judges_latency_in_milliseconds()
    {
        var threshold = Threshold.Parse("p99<10ms");

        Assert.True(threshold.Evaluate(Steps.With(p99: 9.99)).Passed);
        Assert.False(threshold.Evaluate(Steps.With(p99: 10)).Passed);
        Assert.Equal(9.99, threshold.Evaluate(Steps.With(p99: 9.99)).Actual);
    }

    [Fact]
    public void A_latency_threshold_without_samples_fails()
    {
        var result = Threshold.Parse("p99<10ms").Evaluate(Steps.With(samples: 0));

        Assert.False(result.Passed);
        Assert.Null(result.Actual);
    }

    [Fact]
    public void Judges_error_rate_in_percent_and_error_count_in_errors()
    {
        var step = Steps.With(errors: 1, scheduled: 2000);

        Assert.True(Threshold.Parse("errors<0.1%").Evaluate(step).Passed);
        Assert.Equal(0.05, Threshold.Parse("errors<0.1%").Evaluate(step).Actual!.Value, 9);
        Assert.False(Threshold.Parse("errors<0.01%").Evaluate(step).Passed);
        Assert.False(Threshold.Parse("errors<1").Evaluate(step).Passed);
        Assert.True(Threshold.Parse("errors<=1").Evaluate(step).Passed);
    }

    [Fact]
    public void Judges_throughput()
    {
        Assert.True(Threshold.Parse("throughput>=5000").Evaluate(Steps.With(throughput: 5000)).Passed);
        Assert.False(Threshold.Parse("throughput>=5000").Evaluate(Steps.With(throughput: 4999.9)).Passed);
    }

    [Fact]
    public void A_step_passes_only_when_every_threshold_holds()
    {
        var thresholds = new[] { Threshold.Parse("p99<10ms"), Threshold.Parse("errors<0.1%") };

        Assert.True(Steps.With(p99: 5).WithThresholds(thresholds).ThresholdsPassed);
        Assert.False(Steps.With(p99: 5, errors: 10).WithThresholds(thresholds).ThresholdsPassed);
        Assert.Equal(2, Steps.With(p99: 5).WithThresholds(thresholds).Thresholds.Count);
    }

    [Fact]
    public void User_thresholds_replace_defaults_on_the_same_metric_and_keep_the_rest()
    {
        var defaults = new[] { Threshold.Parse("p99<10ms"), Threshold.Parse("errors<0.1%") };
        var user = new[] { Threshold.Parse("p99<5ms"), Threshold.Parse("p95<2ms") };

        var merged = Threshold.Merge(defaults, user, dropDefaults: false);

        Assert.Equal(["errors<0.1%", "p99<5ms", "p95<2ms"], merged.Select(t => t.Expression));
    }

    [Fact]
    public void An_error_count_replaces_a_default_error_rate()
    {
        var merged = Threshold.Merge([Threshold.Parse("errors<0.1%")], [Threshold.Parse("errors<1")], dropDefaults: false);

        Assert.Equal(["errors<1"], merged.Select(t => t.Expression));
    }

    [Fact]
    public void Defaults_can_be_dropped()
    {
        var merged = Threshold.Merge([Threshold.Parse("p99<10ms")], [Threshold.Parse("max<1s")], dropDefaults: true);

        Assert.Equal(["max<1s"], merged.Select(t => t.Expression));
    }

    [Fact]
    public void A_latency_rule_may_name_an_endpoint_and_is_judged_on_its_histogram()
    {
        var rule = Threshold.Parse("new_nonce.p95<20ms");
        var step = Steps.With() with
        {
            EndpointLatencyMs = new SortedDictionary<string, LatencySummary>(StringComparer.Ordinal)
            {
                ["directory"] = new(10, 1, 2, 30, 40, 50, 60, 5),
                ["new_nonce"] = new(10, 1, 2, 3, 4, 5, 6, 2),
            },
        };

        Assert.Equal("new_nonce", rule.Endpoint);
        Assert.Equal(ThresholdMetric.P95, rule.Metric);
        Assert.Equal("new_nonce.p95", rule.Key);
        Assert.True(rule.Evaluate(step).Passed);
        Assert.False(Threshold.Parse("directory.p95<20ms").Evaluate(step).Passed);
        Assert.Null(Threshold.Parse("renewal_info.p95<20ms").Evaluate(step).Actual);
        Assert.Equal(ThresholdMetric.P999, Threshold.Parse("p99.9<5ms").Metric);
        Assert.Null(Threshold.Parse("p99.9<5ms").Endpoint);
        Assert.Throws<FormatException>(() => Threshold.Parse("directory.errors<1%"));
    }

    [Fact]
    public void An_endpoint_rule_overrides_only_the_default_for_that_endpoint()
    {
        var merged = Threshold.Merge(
            [Threshold.Parse("directory.p95<500ms"), Threshold.Parse("new_nonce.p95<300ms"), Threshold.Parse("p95<1s")],
            [Threshold.Parse("directory.p95<20ms")],
            dropDefaults: false);

        Assert.Equal(["new_nonce.p95<300ms", "p95<1s", "directory.p95<20ms"], merged.Select(t => t.Expression));
    }
}
