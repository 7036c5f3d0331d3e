using Certctl.Gateway.Caching;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Certctl.Gateway.Tests;

/// <summary>The tag poller sleeps while nobody requests lists and wakes with the next request.</summary>
public sealed class ListETagCacheIdleTests
{
    [Fact]
    public async Task The_cache_is_idle_without_list_requests_and_a_request_ends_the_wait_for_demand()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-28T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var cache = new ListETagCache(Microsoft.Extensions.Options.Options.Create(new ListETagCacheOptions()), time,
            services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        Assert.True(cache.Enabled);

        cache.TryGet("k", "managed_certificates", out _);
        Assert.False(cache.Idle);
        await cache.WaitForDemandAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5)); // not idle: returns at once

        time.Advance(ListETagCache.IdleAfter + TimeSpan.FromSeconds(1));
        Assert.True(cache.Idle);
        var waiting = cache.WaitForDemandAsync(CancellationToken.None);
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);

        cache.TryGet("k", "managed_certificates", out _);
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(cache.Idle);
    }
}
