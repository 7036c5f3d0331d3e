using System.ComponentModel.DataAnnotations;

namespace Certctl.Gateway.Caching;

/// <summary>How much of each list's change journal is kept, bound from <c>CERTCTL_LIST_JOURNAL_*</c> configuration.</summary>
public sealed class ChangeJournalOptions
{
    /// <summary>
    /// Newest journal rows kept per table. A tag costs at most one walk over them (a filter that matches no recent change), and
    /// a set whose last change is pruned gets a new tag once: more rows means fewer spurious 200s, a longer worst-case walk.
    /// </summary>
    [ConfigurationKeyName("CERTCTL_LIST_JOURNAL_ROWS")]
    [Range(100, 10_000_000)]
    public int RowsKept { get; set; } = 10_000;

    /// <summary>Seconds between pruning passes.</summary>
    [ConfigurationKeyName("CERTCTL_LIST_JOURNAL_PRUNE_INTERVAL_SECONDS")]
    [Range(1, 86_400)]
    public int PruneIntervalSeconds { get; set; } = 30;
}
