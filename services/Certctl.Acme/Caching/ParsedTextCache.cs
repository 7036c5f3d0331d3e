using System.Collections.Concurrent;

namespace Certctl.Acme.Caching;

/// <summary>
/// Values parsed from a text, kept by that text: the text is the key, so an entry can never be stale, and nothing expires.
/// Holds at most <paramref name="capacity"/> entries and starts over when full (the texts it serves are few: account keys,
/// profile patterns). <paramref name="parse"/> must be pure; it may run twice for one text under a race, and one result wins.
/// </summary>
internal sealed class ParsedTextCache<T>(int capacity, Func<string, T> parse)
    where T : class
{
    private readonly ConcurrentDictionary<string, T> _entries = new(StringComparer.Ordinal);

    public int Count => _entries.Count;

    /// <summary>The value parsed from <paramref name="text"/>; exceptions from the parser pass through and nothing is kept.</summary>
    public T Get(string text)
    {
        if (_entries.TryGetValue(text, out var known))
        {
            return known;
        }

        var parsed = parse(text);
        if (_entries.Count >= capacity)
        {
            _entries.Clear();
        }

        return _entries.GetOrAdd(text, parsed);
    }
}
