using System.ComponentModel.DataAnnotations;

namespace Certctl.Gateway.Caching;

/// <summary>How repeated list requests are answered without the database, bound from <c>CERTCTL_LIST_ETAG_*</c> configuration.</summary>
public sealed class ListETagCacheOptions
{
    /// <summary>
    /// Milliseconds between reads of the journaled tables' versions (one small statement). A change made outside this gateway
    /// reaches a cached tag within about this long; this gateway's own API writes reach it at once. 0 turns the cache off:
    /// every conditional request reads the journal (exact, one round trip each).
    /// </summary>
    [ConfigurationKeyName("CERTCTL_LIST_ETAG_REFRESH_MS")]
    [Range(0, 10_000)]
    public int RefreshMilliseconds { get; set; } = 20;

    /// <summary>A cached tag is used only while the last completed read of the versions started at most this long ago (the staleness bound).</summary>
    [ConfigurationKeyName("CERTCTL_LIST_ETAG_MAX_STALENESS_MS")]
    [Range(1, 60_000)]
    public int MaxStalenessMilliseconds { get; set; } = 100;

    /// <summary>Cached tags kept per gateway (one per table, path and query); the cache starts afresh when it is full.</summary>
    [ConfigurationKeyName("CERTCTL_LIST_ETAG_CACHE_ENTRIES")]
    [Range(1, 1_000_000)]
    public int MaxEntries { get; set; } = 10_000;

    public bool Enabled => RefreshMilliseconds > 0;
}
