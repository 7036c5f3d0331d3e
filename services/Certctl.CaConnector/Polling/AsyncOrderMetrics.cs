using System.Diagnostics.Metrics;
using Certctl.ServiceDefaults;

namespace Certctl.CaConnector.Polling;

/// <summary>Polls of async CA orders by outcome, and orders parked past their poll deadline, on the Certctl meter.</summary>
public sealed class AsyncOrderMetrics
{
    private readonly Counter<long> _polls;
    private readonly Counter<long> _overdue;

    public AsyncOrderMetrics()
        : this(Telemetry.Meter)
    {
    }

    /// <summary>Records on <paramref name="meter"/> (tests pass their own).</summary>
    public AsyncOrderMetrics(Meter meter)
    {
        _polls = meter.CreateCounter<long>("certctl.ca.async_order.polls",
            description: "Polls of async CA orders, tagged with outcome: issued, pending, rejected, transient, error, unfinished_submission.");
        _overdue = meter.CreateCounter<long>("certctl.ca.async_order.overdue",
            description: "Orders still pending at their poll deadline (parked for a later tick, no attempt spent).");
    }

    public void Poll(string outcome) => _polls.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Overdue() => _overdue.Add(1);
}
