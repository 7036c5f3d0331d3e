using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Certctl.CaConnector;

/// <summary>How the CA connector consumes issuance commands: concurrency, in-process retry and broker redelivery.</summary>
public sealed class CaConnectorOptions
{
    /// <summary>Issuance commands handled at once by one connector process (also the RabbitMQ prefetch).</summary>
    [ConfigurationKeyName("CERTCTL_CA_ISSUANCE_CONCURRENCY")]
    [Range(1, 1024)]
    public int IssuanceConcurrency { get; set; } = 16;

    /// <summary>In-process retries of one delivery after a transient error (database, CA unavailable), with exponential backoff.</summary>
    [ConfigurationKeyName("CERTCTL_CA_RETRY_LIMIT")]
    [Range(0, 20)]
    public int RetryLimit { get; set; } = 3;

    /// <summary>
    /// Comma-separated delays in seconds for broker-delayed redelivery once the in-process retries are spent, e.g.
    /// <c>30,120,600</c>; empty (the default) turns it off. Needs RabbitMQ's <c>rabbitmq_delayed_message_exchange</c>
    /// plugin. Without it the job-level retry covers the same ground: the job is marked Failed and the scheduler's retry
    /// loop dispatches it again after its backoff.
    /// </summary>
    [ConfigurationKeyName("CERTCTL_CA_REDELIVERY_INTERVALS_SECONDS")]
    [RegularExpression(@"^\s*(\d+\s*(,\s*\d+\s*)*)?$", ErrorMessage = "CERTCTL_CA_REDELIVERY_INTERVALS_SECONDS must be comma-separated whole seconds, e.g. 30,120,600.")]
    public string? RedeliveryIntervalsSeconds { get; set; }

    /// <summary>The parsed redelivery delays; empty when redelivery is off.</summary>
    public IReadOnlyList<TimeSpan> RedeliveryIntervals =>
        string.IsNullOrWhiteSpace(RedeliveryIntervalsSeconds)
            ? []
            : [.. RedeliveryIntervalsSeconds.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(seconds => TimeSpan.FromSeconds(int.Parse(seconds, NumberStyles.None, CultureInfo.InvariantCulture)))];
}
