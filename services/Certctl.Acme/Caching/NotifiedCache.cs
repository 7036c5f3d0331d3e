using System.Collections.Concurrent;

namespace Certctl.Acme.Caching;

/// <summary>
/// Rows kept in memory only while this replica hears of their changes. <see cref="AcmeNotificationListener"/> listens on the
/// Postgres channel that a trigger notifies when such a row changes (the payload is its id) and calls <see cref="Forget"/>; while
/// it is not listening the cache is dark: it serves nothing and keeps nothing (<see cref="GoDark"/>, <see cref="GoLive"/>).
/// </summary>
/// <remarks>
/// A read that raced a change must not keep the old row after the change's notification was handled. So a reader takes a
/// <see cref="Ticket"/> before it reads the database and <see cref="Keep"/> stores the row only if no forget, and no going dark
/// or live, happened since: the notification is sent at the writer's commit, so a read that began after it was handled sees the
/// new row. The window in which another replica may still serve the old row is the notification's delivery, milliseconds.
/// Entries also age out after <paramref name="maxAge"/>, and the cache starts over when it holds <paramref name="capacity"/>.
/// </remarks>
public sealed class NotifiedCache<TValue>(int capacity, TimeSpan maxAge, TimeProvider time)
    where TValue : class
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private long _generation;
    private volatile bool _live;

    /// <summary>Whether the cache serves and keeps rows (its listener is listening).</summary>
    public bool IsLive => _live;

    /// <summary>Rows held now.</summary>
    public int Count => _entries.Count;

    /// <summary>The row kept for <paramref name="key"/>, if the cache is live and holds a fresh one.</summary>
    public bool TryGet(string key, out TValue value)
    {
        if (_live && _entries.TryGetValue(key, out var entry) && time.GetUtcNow() - entry.StoredAt < maxAge)
        {
            value = entry.Value;
            return true;
        }

        value = null!;
        return false;
    }

    /// <summary>
    /// The row kept for <paramref name="key"/>; else the one <paramref name="read"/> finds (kept unless anything was forgotten
    /// meanwhile), or null when it finds none (not kept: a row that does not exist yet may be inserted without a notification).
    /// </summary>
    public async Task<TValue?> GetOrReadAsync(string key, Func<CancellationToken, Task<TValue?>> read, CancellationToken cancellationToken)
    {
        if (TryGet(key, out var known))
        {
            return known;
        }

        var ticket = Ticket();
        var value = await read(cancellationToken);
        if (value is not null)
        {
            Keep(key, value, ticket);
        }

        return value;
    }

    /// <summary>Take before reading the row from the database; hand to <see cref="Keep"/>.</summary>
    public long Ticket() => Interlocked.Read(ref _generation);

    /// <summary>Keeps <paramref name="value"/> read under <paramref name="ticket"/>, unless anything was forgotten since.</summary>
    public void Keep(string key, TValue value, long ticket)
    {
        if (!_live || Interlocked.Read(ref _generation) != ticket)
        {
            return;
        }

        if (_entries.Count >= capacity)
        {
            _entries.Clear();
        }

        var entry = new Entry(value, time.GetUtcNow());
        _entries[key] = entry;
        // A forget that ran between the check above and the store bumped the generation first: take the entry back out.
        if (Interlocked.Read(ref _generation) != ticket)
        {
            _entries.TryRemove(KeyValuePair.Create(key, entry));
        }
    }

    /// <summary>The row <paramref name="key"/> changed (or, with null, any may have): drop it and refuse reads begun before.</summary>
    public void Forget(string? key)
    {
        Interlocked.Increment(ref _generation);
        if (string.IsNullOrEmpty(key))
        {
            _entries.Clear();
        }
        else
        {
            _entries.TryRemove(key, out _);
        }
    }

    /// <summary>The listener is listening: changes from now on are heard, so rows read from now on may be kept.</summary>
    public void GoLive()
    {
        Forget(null);
        _live = true;
    }

    /// <summary>The listener lost its connection: changes may go unheard, so serve and keep nothing until it is back.</summary>
    public void GoDark()
    {
        _live = false;
        Forget(null);
    }

    private sealed record Entry(TValue Value, DateTimeOffset StoredAt);
}
