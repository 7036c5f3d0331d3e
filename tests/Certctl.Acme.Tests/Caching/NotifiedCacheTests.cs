using Certctl.Acme.Caching;
using Microsoft.Extensions.Time.Testing;

namespace Certctl.Acme.Tests.Caching;

/// <summary>Rows kept only while their changes are heard: what is served, what a change or a lost listener takes away.</summary>
public sealed class NotifiedCacheTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void A_row_kept_while_live_is_served_until_it_is_forgotten()
    {
        var cache = Live();
        cache.Keep("a", "row a", cache.Ticket());
        cache.Keep("b", "row b", cache.Ticket());

        Assert.True(cache.TryGet("a", out var a));
        Assert.Equal("row a", a);
        cache.Forget("a");
        Assert.False(cache.TryGet("a", out _));
        Assert.True(cache.TryGet("b", out _));
        cache.Forget(null);
        Assert.False(cache.TryGet("b", out _));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void A_read_that_began_before_a_change_was_heard_is_not_kept()
    {
        var cache = Live();
        var ticket = cache.Ticket();

        cache.Forget("a");
        cache.Keep("a", "old row a", ticket);

        Assert.False(cache.TryGet("a", out _));
        cache.Keep("a", "new row a", cache.Ticket());
        Assert.True(cache.TryGet("a", out var row));
        Assert.Equal("new row a", row);
    }

    [Fact]
    public void A_dark_cache_serves_and_keeps_nothing_and_goes_live_empty()
    {
        var cache = new NotifiedCache<string>(10, TimeSpan.FromMinutes(5), _time);
        cache.Keep("a", "row a", cache.Ticket());
        Assert.False(cache.TryGet("a", out _));

        cache.GoLive();
        var beforeDark = cache.Ticket();
        cache.Keep("a", "row a", cache.Ticket());
        cache.GoDark();
        Assert.False(cache.IsLive);
        Assert.False(cache.TryGet("a", out _));

        var readWhileDark = cache.Ticket();
        cache.GoLive();
        Assert.Equal(0, cache.Count);
        cache.Keep("a", "read while dark", readWhileDark);
        cache.Keep("a", "read before dark", beforeDark);
        Assert.False(cache.TryGet("a", out _));
    }

    [Fact]
    public void A_row_ages_out_after_the_maximum_age()
    {
        var cache = Live();
        cache.Keep("a", "row a", cache.Ticket());

        _time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        Assert.True(cache.TryGet("a", out _));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(cache.TryGet("a", out _));
    }

    [Fact]
    public void When_full_it_starts_over_and_never_holds_more_than_its_capacity()
    {
        var cache = Live(capacity: 3);

        foreach (var key in new[] { "a", "b", "c", "d", "e", "f", "g" })
        {
            cache.Keep(key, key, cache.Ticket());
            Assert.True(cache.TryGet(key, out _));
            Assert.InRange(cache.Count, 1, 3);
        }
    }

    [Fact]
    public async Task A_found_row_is_read_once_and_a_missing_one_every_time()
    {
        var cache = Live();
        var reads = 0;

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("row a", await cache.GetOrReadAsync("a", _ => { reads++; return Task.FromResult<string?>("row a"); }, default));
            Assert.Null(await cache.GetOrReadAsync("b", _ => { reads++; return Task.FromResult<string?>(null); }, default));
        }

        Assert.Equal(4, reads);
    }

    private NotifiedCache<string> Live(int capacity = 10)
    {
        var cache = new NotifiedCache<string>(capacity, TimeSpan.FromMinutes(5), _time);
        cache.GoLive();
        return cache;
    }
}
