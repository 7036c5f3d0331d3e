using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Certctl.CaConnector.Tests;

/// <summary>A meter of the test's own and the sums of what was recorded on it, by instrument and outcome tag.</summary>
public sealed class MetricRecorder : IDisposable
{
    private readonly ConcurrentDictionary<string, long> _sums = new(StringComparer.Ordinal);
    private readonly MeterListener _listener = new();

    public MetricRecorder()
    {
        Meter = new Meter($"certctl-test-{Guid.NewGuid():N}");
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter == Meter)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var outcome = tags.ToArray().FirstOrDefault(tag => tag.Key == "outcome").Value;
            _sums.AddOrUpdate(outcome is null ? instrument.Name : $"{instrument.Name}:{outcome}", value, (_, sum) => sum + value);
        });
        _listener.Start();
    }

    public Meter Meter { get; }

    /// <summary>The sum recorded on <paramref name="instrument"/>, for one <paramref name="outcome"/> tag when given.</summary>
    public long Sum(string instrument, string? outcome = null) => _sums.GetValueOrDefault(outcome is null ? instrument : $"{instrument}:{outcome}");

    public void Dispose()
    {
        _listener.Dispose();
        Meter.Dispose();
    }
}
