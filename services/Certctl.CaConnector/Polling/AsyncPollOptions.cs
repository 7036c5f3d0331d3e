using System.ComponentModel.DataAnnotations;

namespace Certctl.CaConnector.Polling;

/// <summary>How the CA connector polls the orders of async CAs: the global deadline, the tick, the batch and the parallelism.</summary>
public sealed class AsyncPollOptions
{
    /// <summary>The poll deadline when neither the issuer's <c>poll_max_wait_seconds</c> nor its vendor's variable sets one.</summary>
    public static readonly TimeSpan DefaultMaxWait = TimeSpan.FromMinutes(10);

    /// <summary>Global poll deadline in seconds; 0 means <see cref="DefaultMaxWait"/>.</summary>
    [ConfigurationKeyName("CERTCTL_ASYNC_POLL_MAX_WAIT_SECONDS")]
    [Range(0, 31_536_000)]
    public int MaxWaitSeconds { get; set; }

    /// <summary>How often the poller looks for due orders.</summary>
    [ConfigurationKeyName("CERTCTL_ASYNC_POLL_INTERVAL_SECONDS")]
    [Range(1, 3600)]
    public int IntervalSeconds { get; set; } = 2;

    /// <summary>Most due orders one tick claims (one statement per batch).</summary>
    [ConfigurationKeyName("CERTCTL_ASYNC_POLL_BATCH_SIZE")]
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 100;

    /// <summary>Orders one process polls at once.</summary>
    [ConfigurationKeyName("CERTCTL_ASYNC_POLL_CONCURRENCY")]
    [Range(1, 256)]
    public int Concurrency { get; set; } = 8;

    /// <summary>
    /// The deadline for one issuer: its own <c>poll_max_wait_seconds</c>, else its vendor's <c>CERTCTL_&lt;VENDOR&gt;_POLL_MAX_WAIT_SECONDS</c>,
    /// else <c>CERTCTL_ASYNC_POLL_MAX_WAIT_SECONDS</c>, else 10 minutes; 0 or unset at any level passes to the next.
    /// </summary>
    public TimeSpan MaxWaitFor(int? issuerSeconds, int vendorSeconds) =>
        issuerSeconds is > 0 ? TimeSpan.FromSeconds(issuerSeconds.Value)
        : vendorSeconds > 0 ? TimeSpan.FromSeconds(vendorSeconds)
        : MaxWaitSeconds > 0 ? TimeSpan.FromSeconds(MaxWaitSeconds)
        : DefaultMaxWait;
}
