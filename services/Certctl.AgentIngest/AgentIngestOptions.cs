using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace Certctl.AgentIngest;

/// <summary>Agent ingest settings, bound from their <c>CERTCTL_*</c> environment names and validated on start.</summary>
public sealed class AgentIngestOptions
{
    /// <summary>Shared secret a host presents (<c>Bearer</c>) to register; unset means registration is open (a warning is logged at start).</summary>
    [ConfigurationKeyName("CERTCTL_AGENT_BOOTSTRAP_TOKEN")]
    public string? BootstrapToken { get; set; }

    /// <summary>How long a verified agent token (and the agent's retired flag) is trusted without reading the database again.</summary>
    /// <remarks>Also the longest a retired agent or a replaced token keeps being accepted by one replica.</remarks>
    [ConfigurationKeyName("CERTCTL_AGENT_AUTH_CACHE_SECONDS")]
    [Range(0, 300)]
    public int AuthCacheSeconds { get; set; } = 30;

    /// <summary>Longest a heartbeat waits in memory before its batch is written.</summary>
    [ConfigurationKeyName("CERTCTL_HEARTBEAT_BATCH_DELAY_MS")]
    [Range(1, 5000)]
    public int HeartbeatBatchDelayMs { get; set; } = 250;

    /// <summary>Most heartbeats one statement writes.</summary>
    [ConfigurationKeyName("CERTCTL_HEARTBEAT_BATCH_SIZE")]
    [Range(1, 50_000)]
    public int HeartbeatBatchSize { get; set; } = 2000;

    /// <summary>Heartbeats held in memory while the database is slow or away; when it is full, heartbeats are answered 503.</summary>
    [ConfigurationKeyName("CERTCTL_HEARTBEAT_BUFFER")]
    [Range(1, 1_000_000)]
    public int HeartbeatBuffer { get; set; } = 100_000;

    /// <summary>The <c>Retry-After</c> (seconds) of a 503 for a full heartbeat buffer.</summary>
    [ConfigurationKeyName("CERTCTL_HEARTBEAT_RETRY_AFTER_SECONDS")]
    [Range(1, 3600)]
    public int HeartbeatRetryAfterSeconds { get; set; } = 10;

    /// <summary>Most work items (deployments plus CSR requests, each) one poll returns.</summary>
    [ConfigurationKeyName("CERTCTL_AGENT_WORK_LIMIT")]
    [Range(1, 1000)]
    public int WorkLimit { get; set; } = 50;

    /// <summary>How long a job sent to the CA connector after a CSR may stay Running before the scheduler's lease sweeper re-queues it.</summary>
    [ConfigurationKeyName("CERTCTL_AGENT_CSR_LEASE_SECONDS")]
    [Range(10, 86_400)]
    public int CsrLeaseSeconds { get; set; } = 300;

    public TimeSpan AuthCacheDuration => TimeSpan.FromSeconds(AuthCacheSeconds);

    public TimeSpan HeartbeatBatchDelay => TimeSpan.FromMilliseconds(HeartbeatBatchDelayMs);

    public TimeSpan CsrLease => TimeSpan.FromSeconds(CsrLeaseSeconds);
}
