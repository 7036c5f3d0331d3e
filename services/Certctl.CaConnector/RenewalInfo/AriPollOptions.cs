using System.ComponentModel.DataAnnotations;

namespace Certctl.CaConnector.RenewalInfo;

/// <summary>How the CA connector polls ACME Renewal Information: the tick, the batch and the parallel HTTP calls.</summary>
public sealed class AriPollOptions
{
    /// <summary>Seconds between poll runs (each wait jittered by ±10 %); a run polls every certificate whose next poll time has come.</summary>
    [ConfigurationKeyName("CERTCTL_ARI_POLL_INTERVAL_SECONDS")]
    [Range(1, 86_400)]
    public int IntervalSeconds { get; set; } = 60;

    /// <summary>Most certificates one claim takes (one statement per batch); a full batch is followed by the next at once.</summary>
    [ConfigurationKeyName("CERTCTL_ARI_POLL_BATCH_SIZE")]
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 200;

    /// <summary>renewalInfo requests one process has in flight at once.</summary>
    [ConfigurationKeyName("CERTCTL_ARI_POLL_CONCURRENCY")]
    [Range(1, 256)]
    public int Concurrency { get; set; } = 8;
}
