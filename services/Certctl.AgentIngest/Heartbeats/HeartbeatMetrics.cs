using System.Diagnostics.Metrics;
using Certctl.ServiceDefaults;

namespace Certctl.AgentIngest.Heartbeats;

/// <summary>The heartbeat path's instruments on Certctl's meter.</summary>
internal static class HeartbeatMetrics
{
    public static readonly Counter<long> Accepted =
        Telemetry.Meter.CreateCounter<long>("certctl.agent_ingest.heartbeats.accepted", "{heartbeat}", "Heartbeats answered 200 and queued.");

    public static readonly Counter<long> Refused =
        Telemetry.Meter.CreateCounter<long>("certctl.agent_ingest.heartbeats.refused", "{heartbeat}", "Heartbeats answered 503 because the buffer was full.");

    public static readonly Counter<long> Written =
        Telemetry.Meter.CreateCounter<long>("certctl.agent_ingest.heartbeats.written", "{agent}", "Agent rows updated by heartbeat batches.");

    public static readonly Counter<long> Lost =
        Telemetry.Meter.CreateCounter<long>("certctl.agent_ingest.heartbeats.lost", "{heartbeat}", "Accepted heartbeats not written (shutdown timeout, refused batch).");

    public static readonly Histogram<int> BatchSize =
        Telemetry.Meter.CreateHistogram<int>("certctl.agent_ingest.heartbeats.batch_size", "{agent}", "Agents per heartbeat UPDATE.");

    public static readonly UpDownCounter<long> Buffered =
        Telemetry.Meter.CreateUpDownCounter<long>("certctl.agent_ingest.heartbeats.buffered", "{heartbeat}", "Heartbeats accepted but not yet taken by the writer.");
}
