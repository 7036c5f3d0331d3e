using System.Diagnostics.Metrics;
using Certctl.ServiceDefaults;

namespace Certctl.Gateway.Audit;

/// <summary>The audit writer's instruments on Certctl's meter: rows written and lost, batch sizes, queue length.</summary>
internal static class AuditMetrics
{
    public static readonly Counter<long> RowsWritten =
        Telemetry.Meter.CreateCounter<long>("certctl.gateway.audit.rows_written", "{row}", "API-call audit rows inserted.");

    public static readonly Counter<long> RowsLost =
        Telemetry.Meter.CreateCounter<long>("certctl.gateway.audit.rows_lost", "{row}", "API-call audit rows that could not be written (logged with their content).");

    public static readonly Histogram<int> BatchSize =
        Telemetry.Meter.CreateHistogram<int>("certctl.gateway.audit.batch_size", "{row}", "Rows per audit INSERT.");

    // An up-down counter, not an observable gauge: the meter is process-wide and outlives any one queue.
    public static readonly UpDownCounter<long> QueueLength =
        Telemetry.Meter.CreateUpDownCounter<long>("certctl.gateway.audit.queue_length", "{row}", "Audit rows accepted but not yet taken by the writer.");
}
