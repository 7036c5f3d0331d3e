using System.ComponentModel.DataAnnotations;

namespace Certctl.Gateway.Audit;

/// <summary>Sizing of the API-call audit queue and its batch writer, bound from <c>CERTCTL_AUDIT_*</c> configuration.</summary>
public sealed class AuditTrailOptions
{
    /// <summary>Rows the queue holds before requests wait for the writer (backpressure, never dropping).</summary>
    [ConfigurationKeyName("CERTCTL_AUDIT_QUEUE_CAPACITY")]
    [Range(1, 1_000_000)]
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Most rows written by one INSERT.</summary>
    [ConfigurationKeyName("CERTCTL_AUDIT_BATCH_SIZE")]
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 500;

    /// <summary>Longest a queued row waits for its batch to fill before it is written anyway, in milliseconds.</summary>
    [ConfigurationKeyName("CERTCTL_AUDIT_FLUSH_INTERVAL_MS")]
    [Range(1, 3_600_000)]
    public int FlushIntervalMilliseconds { get; set; } = 100;
}
