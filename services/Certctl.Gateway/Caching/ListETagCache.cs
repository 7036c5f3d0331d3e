using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;

namespace Certctl.Gateway.Caching;

/// <summary>
/// Tags computed for a table, path and query, reused while the table has not changed: the entry remembers the whole table's
/// <see cref="ListVersion"/> read in the same snapshot as the tag, and <see cref="TableVersionPoller"/> publishes the current
/// one every few milliseconds. Equal versions mean no committed change to the table between the two snapshots, so the tag is
/// still exact as of the last poll. A repeat poll of an unchanged list is then answered 304 without a database round trip.
/// </summary>
/// <remarks>
/// Staleness is bounded: an entry is used only while the last poll started at most
/// <see cref="ListETagCacheOptions.MaxStalenessMilliseconds"/> ago (else the journal is read, as with the cache off). This
/// gateway's own writes (<see cref="Invalidate"/>) bump a generation that every older entry fails, so an API client always
/// reads its own writes on the replica it wrote through.
/// </remarks>
public sealed class ListETagCache
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ListETagCacheOptions _options;
    private readonly TimeProvider _time;
    private readonly Counter<long> _lookups;
    private Published? _published;
    private long _generation;
    private long _lastDemand;
    private TaskCompletionSource _demand = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The poller stops after this long without a list request and starts again with the next one.</summary>
    public static readonly TimeSpan IdleAfter = TimeSpan.FromSeconds(10);

    public ListETagCache(IOptions<ListETagCacheOptions> options, TimeProvider time, IMeterFactory meters)
    {
        _options = options.Value;
        _time = time;
        _lookups = meters.Create("Certctl.Gateway").CreateCounter<long>(
            "certctl.gateway.list_etag.lookups", description: "List tag lookups, by result: hit (no database), miss, off.");
    }

    public bool Enabled => _options.Enabled;

    /// <summary>Read before computing a tag and passed to <see cref="Store"/>: an entry computed before a local write is never reused after it.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>The cache key of a request's list: table, path and raw query.</summary>
    public static string KeyFor(string table, HttpRequest request) => string.Concat(table, "\n", request.Path.Value, request.QueryString.Value);

    /// <summary>The cached tag of <paramref name="key"/>, if the table is unchanged since it was computed and the last poll is recent.</summary>
    public bool TryGet(string key, string table, out string etag)
    {
        etag = string.Empty;
        if (!Enabled)
        {
            _lookups.Add(1, new KeyValuePair<string, object?>("result", "off"));
            return false;
        }

        Volatile.Write(ref _lastDemand, _time.GetTimestamp());
        Volatile.Read(ref _demand).TrySetResult();

        var published = Volatile.Read(ref _published);
        var hit = _entries.TryGetValue(key, out var entry)
            && entry.Generation == Generation
            && published is not null
            && _time.GetElapsedTime(published.StartedAt) <= TimeSpan.FromMilliseconds(_options.MaxStalenessMilliseconds)
            && published.Versions.TryGetValue(table, out var current)
            && current == entry.Table;
        _lookups.Add(1, new KeyValuePair<string, object?>("result", hit ? "hit" : "miss"));
        if (hit)
        {
            etag = entry!.ETag;
        }

        return hit;
    }

    /// <summary>Keeps a tag computed from the journal, with the table's version read in the same snapshot.</summary>
    public void Store(string key, string etag, ListVersion table, long generation)
    {
        if (!Enabled)
        {
            return;
        }

        if (_entries.Count >= _options.MaxEntries)
        {
            _entries.Clear();
        }

        _entries[key] = new Entry(etag, table, generation);
    }

    /// <summary>Publishes the tables' versions read by a poll whose snapshot was taken no earlier than <paramref name="startedAt"/> (a <see cref="TimeProvider"/> timestamp).</summary>
    public void Publish(IReadOnlyDictionary<string, ListVersion> versions, long startedAt) =>
        Volatile.Write(ref _published, new Published(versions.ToFrozenDictionary(StringComparer.Ordinal), startedAt));

    /// <summary>True when no list was requested for <see cref="IdleAfter"/>: polling then costs the database for nobody.</summary>
    public bool Idle => _time.GetElapsedTime(Volatile.Read(ref _lastDemand)) > IdleAfter;

    /// <summary>Completes with the next list request (at once if one came since <see cref="Idle"/> was last true).</summary>
    public async Task WaitForDemandAsync(CancellationToken cancellationToken)
    {
        var armed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _demand, armed);
        if (!Idle)
        {
            return; // a request came between the caller's check and the arming
        }

        await armed.Task.WaitAsync(cancellationToken);
    }

    /// <summary>This gateway changed data: no entry computed before now is used again.</summary>
    public void Invalidate() => Interlocked.Increment(ref _generation);

    private sealed record Entry(string ETag, ListVersion Table, long Generation);

    private sealed record Published(FrozenDictionary<string, ListVersion> Versions, long StartedAt);
}
