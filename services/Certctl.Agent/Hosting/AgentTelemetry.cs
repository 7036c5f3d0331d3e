using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Certctl.Agent;

/// <summary>The agent's meter and activity source (named like the services': <c>Certctl</c>), exported over OTLP when configured.</summary>
public static class AgentTelemetry
{
    /// <summary>Meter and activity source name.</summary>
    public const string SourceName = "Certctl";

    /// <summary>The agent's counters.</summary>
    public static readonly Meter Meter = new(SourceName);

    /// <summary>Spans for work items, so a deployment shows as one tree in the dashboard.</summary>
    public static readonly ActivitySource ActivitySource = new(SourceName);
}
