using System.Diagnostics.Metrics;
using Certctl.ServiceDefaults;

namespace Certctl.Scheduler.Notifications;

/// <summary>Expiry alerts written and notification deliveries by outcome, on the Certctl meter.</summary>
public sealed class NotificationMetrics
{
    private readonly Counter<long> _expiryAlerts;
    private readonly Counter<long> _deliveries;

    public NotificationMetrics()
        : this(Telemetry.Meter)
    {
    }

    /// <summary>Records on <paramref name="meter"/> (tests pass their own).</summary>
    public NotificationMetrics(Meter meter)
    {
        _expiryAlerts = meter.CreateCounter<long>("certctl.notifications.expiry_alerts",
            description: "Expiry alerts due per scan: result created (written for delivery) or deduped (written by an earlier scan).");
        _deliveries = meter.CreateCounter<long>("certctl.notifications.deliveries",
            description: "Notification sends: result sent, failed (will be retried), dead (out of tries) or not_tried (the run ended first).");
    }

    public void ExpiryAlerts(string channel, int threshold, int created, int deduped)
    {
        var tags = (Channel: new KeyValuePair<string, object?>("channel", channel), Threshold: new KeyValuePair<string, object?>("threshold", threshold));
        if (created > 0)
        {
            _expiryAlerts.Add(created, tags.Channel, tags.Threshold, new KeyValuePair<string, object?>("result", "created"));
        }

        if (deduped > 0)
        {
            _expiryAlerts.Add(deduped, tags.Channel, tags.Threshold, new KeyValuePair<string, object?>("result", "deduped"));
        }
    }

    public void Delivery(string channel, string result) =>
        _deliveries.Add(1, new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("result", result));
}
