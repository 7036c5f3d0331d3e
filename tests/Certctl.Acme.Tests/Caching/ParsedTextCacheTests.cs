using Certctl.Acme.Caching;

namespace Certctl.Acme.Tests.Caching;

/// <summary>Parsed values kept by their text: parsed once, bounded, and a failed parse keeps nothing.</summary>
public sealed class ParsedTextCacheTests
{
    [Fact]
    public void A_text_is_parsed_once_and_the_same_value_is_returned_after()
    {
        var parses = 0;
        var cache = new ParsedTextCache<string>(10, text => { parses++; return text.ToUpperInvariant(); });

        var first = cache.Get("abc");

        Assert.Same(first, cache.Get("abc"));
        Assert.Equal("ABC", first);
        Assert.Equal(1, parses);
    }

    [Fact]
    public void When_full_it_starts_over_and_never_holds_more_than_its_capacity()
    {
        var cache = new ParsedTextCache<string>(3, text => text + "!");

        foreach (var text in new[] { "a", "b", "c", "d", "e", "f", "g" })
        {
            Assert.Equal(text + "!", cache.Get(text));
            Assert.InRange(cache.Count, 1, 3);
        }
    }

    [Fact]
    public void A_text_that_does_not_parse_throws_each_time_and_is_not_kept()
    {
        var parses = 0;
        var cache = new ParsedTextCache<string>(10, text => { parses++; throw new FormatException(text); });

        Assert.Throws<FormatException>(() => cache.Get("bad"));
        Assert.Throws<FormatException>(() => cache.Get("bad"));
        Assert.Equal(2, parses);
        Assert.Equal(0, cache.Count);
    }
}
