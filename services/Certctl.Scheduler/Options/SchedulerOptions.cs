using System.ComponentModel.DataAnnotations;

namespace Certctl.Scheduler.Options;

/// <summary>The scheduler's settings, bound from the documented <c>CERTCTL_*</c> variables (durations as <c>30s</c>, <c>1h</c> or <c>hh:mm:ss</c>).</summary>
/// <remarks>Unlike the original, a value that does not parse stops the service at start instead of falling back to the default.</remarks>
public sealed class SchedulerOptions
{
    [ConfigurationKeyName("CERTCTL_SCHEDULER_RENEWAL_CHECK_INTERVAL")]
    public string RenewalCheckInterval { get; set; } = "1h";

    [ConfigurationKeyName("CERTCTL_SCHEDULER_JOB_PROCESSOR_INTERVAL")]
    public string JobProcessorInterval { get; set; } = "30s";

    /// <summary>How soon the dispatcher looks again for freed slots while issuance jobs are Running.</summary>
    [ConfigurationKeyName("CERTCTL_SCHEDULER_DISPATCH_BUSY_INTERVAL")]
    public string DispatchBusyInterval { get; set; } = "20ms";

    [ConfigurationKeyName("CERTCTL_SCHEDULER_RETRY_INTERVAL")]
    public string RetryInterval { get; set; } = "5m";

    [ConfigurationKeyName("CERTCTL_JOB_TIMEOUT_INTERVAL")]
    public string JobTimeoutInterval { get; set; } = "10m";

    [ConfigurationKeyName("CERTCTL_JOB_AWAITING_CSR_TIMEOUT")]
    public string AwaitingCsrTimeout { get; set; } = "24h";

    [ConfigurationKeyName("CERTCTL_JOB_AWAITING_APPROVAL_TIMEOUT")]
    public string AwaitingApprovalTimeout { get; set; } = "168h";

    [ConfigurationKeyName("CERTCTL_SCHEDULER_LEASE_SWEEP_INTERVAL")]
    public string LeaseSweepInterval { get; set; } = "1m";

    [ConfigurationKeyName("CERTCTL_JOB_LEASE_DURATION")]
    public string JobLeaseDuration { get; set; } = "5m";

    [ConfigurationKeyName("CERTCTL_JOB_RETRY_BACKOFF_BASE")]
    public string RetryBackoffBase { get; set; } = "1m";

    [ConfigurationKeyName("CERTCTL_JOB_RETRY_BACKOFF_MAX")]
    public string RetryBackoffMax { get; set; } = "1h";

    [ConfigurationKeyName("CERTCTL_SCHEDULER_AGENT_HEALTH_CHECK_INTERVAL")]
    public string AgentHealthCheckInterval { get; set; } = "2m";

    [ConfigurationKeyName("CERTCTL_AGENT_HEARTBEAT_INTERVAL")]
    public string AgentHeartbeatInterval { get; set; } = "60s";

    [ConfigurationKeyName("CERTCTL_EXPIRY_ALERT_INTERVAL")]
    public string ExpiryAlertInterval { get; set; } = "1h";

    [ConfigurationKeyName("CERTCTL_SCHEDULER_NOTIFICATION_PROCESS_INTERVAL")]
    public string NotificationProcessInterval { get; set; } = "1m";

    [ConfigurationKeyName("CERTCTL_NOTIFICATION_RETRY_INTERVAL")]
    public string NotificationRetryInterval { get; set; } = "2m";

    [ConfigurationKeyName("CERTCTL_SHORT_LIVED_EXPIRY_CHECK_INTERVAL")]
    public string ShortLivedExpiryCheckInterval { get; set; } = "30s";

    /// <summary><c>0</c> turns the ACME clean-up off (the original's "≤0 disables").</summary>
    [ConfigurationKeyName("CERTCTL_ACME_SERVER_GC_INTERVAL")]
    public string AcmeServerGcInterval { get; set; } = "1m";
    [ConfigurationKeyName("CERTCTL_CRL_GENERATION_INTERVAL")]
    public string CrlGenerationInterval { get; set; } = "1h";

    [ConfigurationKeyName("CERTCTL_REVOCATION_SWEEP_INTERVAL")]
    public string RevocationSweepInterval { get; set; } = "1m";

    /// <summary>Most issuance/renewal jobs <c>Running</c> at once across every replica (the original's default 25).</summary>
    [ConfigurationKeyName("CERTCTL_RENEWAL_CONCURRENCY")]
    [Range(1, 100_000)]
    public int RenewalConcurrency { get; set; } = 25;

    public TimeSpan RenewalCheck => Read(RenewalCheckInterval);

    public TimeSpan JobProcessor => Read(JobProcessorInterval);

    public TimeSpan DispatchBusy => Read(DispatchBusyInterval);

    public TimeSpan Retry => Read(RetryInterval);

    public TimeSpan JobTimeout => Read(JobTimeoutInterval);

    public TimeSpan AwaitingCsr => Read(AwaitingCsrTimeout);

    public TimeSpan AwaitingApproval => Read(AwaitingApprovalTimeout);

    public TimeSpan LeaseSweep => Read(LeaseSweepInterval);

    public TimeSpan Lease => Read(JobLeaseDuration);

    public TimeSpan BackoffBase => Read(RetryBackoffBase);

    public TimeSpan BackoffMax => Read(RetryBackoffMax);

    public TimeSpan AgentHealthCheck => Read(AgentHealthCheckInterval);

    public TimeSpan AgentHeartbeat => Read(AgentHeartbeatInterval);

    public TimeSpan ExpiryAlert => Read(ExpiryAlertInterval);

    public TimeSpan NotificationProcess => Read(NotificationProcessInterval);

    public TimeSpan NotificationRetry => Read(NotificationRetryInterval);

    public TimeSpan ShortLivedExpiryCheck => Read(ShortLivedExpiryCheckInterval);

    public TimeSpan AcmeServerGc => Read(AcmeServerGcInterval);

    /// <summary>True when <c>CERTCTL_ACME_SERVER_GC_INTERVAL</c> is zero: the ACME clean-up loop is not started.</summary>
    public bool AcmeCleanupOff => GoDuration.TryParse(AcmeServerGcInterval, out var interval) && interval == TimeSpan.Zero;
    public TimeSpan CrlGeneration => Read(CrlGenerationInterval);

    public TimeSpan RevocationSweep => Read(RevocationSweepInterval);

    /// <summary>Every duration with its variable and the least value it may have (the original's floors, 1 s elsewhere).</summary>
    public IEnumerable<(string Variable, string Value, TimeSpan Floor)> Durations()
    {
        yield return ("CERTCTL_SCHEDULER_RENEWAL_CHECK_INTERVAL", RenewalCheckInterval, TimeSpan.FromMinutes(1));
        yield return ("CERTCTL_SCHEDULER_JOB_PROCESSOR_INTERVAL", JobProcessorInterval, TimeSpan.FromSeconds(1));
        yield return ("CERTCTL_SCHEDULER_DISPATCH_BUSY_INTERVAL", DispatchBusyInterval, TimeSpan.FromMilliseconds(1));
        yield return ("CERTCTL_SCHEDULER_RETRY_INTERVAL", RetryInterval, TimeSpan.FromSeconds(1));
        yield return ("CERTCTL_JOB_TIMEOUT_INTERVAL", JobTimeoutInterval, TimeSpan.FromSeconds(1));
        yield return ("CERTCTL_JOB_AWAITING_CSR_TIMEOUT", AwaitingCsrTimeout, TimeSpan.FromSeconds(1));
        yield return ("CERTCTL_JOB_AWAITING_APPROVAL_TIMEOUT", AwaitingApprovalTimeout, TimeSpan.FromSeconds(1));
        yield return ("CERTCTL_SCHEDULER_LEASE_SWEEP_INTERVAL", LeaseSweepInterval, TimeSpan.FromSeconds(1));
        yield return ("CERTCTL_JOB_LEASE_DURATION", JobLeaseDuration, TimeSpan.FromSeconds(10));
        yield return ("CERTCTL_JOB_RETRY_BACKOFF_BASE", RetryBackoffBase, TimeSpan.FromSeconds(1));
        yield return ("CERTCTL_JOB_RETRY_BACKOFF_MAX", RetryBackoffMax, TimeSpan.FromSeconds(1));
        yield return ("CERTCTL_SCHEDULER_AGENT_HEALTH_CHECK_INTERVAL", AgentHealthCheckInterval, TimeSpan.FromSeconds(1));
        yield return ("CERTCTL_AGENT_HEARTBEAT_INTERVAL", AgentHeartbeatInterval, TimeSpan.FromSeconds(1));
        yield return ("CERTCTL_EXPIRY_ALERT_INTERVAL", ExpiryAlertInterval, TimeSpan.FromMinutes(1));
        yield return ("CERTCTL_SCHEDULER_NOTIFICATION_PROCESS_INTERVAL", NotificationProcessInterval, TimeSpan.FromSeconds(1));
        yield return ("CERTCTL_NOTIFICATION_RETRY_INTERVAL", NotificationRetryInterval, TimeSpan.FromSeconds(1));
        yield return ("CERTCTL_SHORT_LIVED_EXPIRY_CHECK_INTERVAL", ShortLivedExpiryCheckInterval, TimeSpan.FromSeconds(1));
        if (!AcmeCleanupOff)
        {
            yield return ("CERTCTL_ACME_SERVER_GC_INTERVAL", AcmeServerGcInterval, TimeSpan.FromSeconds(1));
        }
        yield return ("CERTCTL_CRL_GENERATION_INTERVAL", CrlGenerationInterval, TimeSpan.FromMinutes(1));
        yield return ("CERTCTL_REVOCATION_SWEEP_INTERVAL", RevocationSweepInterval, TimeSpan.FromSeconds(1));
    }

    private static TimeSpan Read(string value) =>
        GoDuration.TryParse(value, out var duration) ? duration : throw new InvalidOperationException($"'{value}' is not a duration.");
}
