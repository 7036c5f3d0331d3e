using HdrHistogram;

namespace Certctl.LoadTest;

/// <summary>
/// A latency histogram many request tasks write to at once: microsecond resolution, 3 significant digits,
/// values up to 60 s (longer ones are clamped to 60 s). Writers are wait-free (HdrHistogram's Recorder);
/// readers fold the recorder's intervals into one cumulative histogram.
/// </summary>
public sealed class LatencyRecorder
{
    /// <summary>Largest value kept, in microseconds.</summary>
    public const long HighestTrackableMicroseconds = 60_000_000;

    // The recorder's writers share its active histogram, so it must count atomically: with a plain LongHistogram concurrent
    // writers lost samples (100,000 parallel writes counted 99,999).
    private readonly Recorder recorder = new(1, HighestTrackableMicroseconds, 3, (id, low, high, digits) => new LongConcurrentHistogram(id, low, high, digits));
    private readonly LongHistogram cumulative = new(1, HighestTrackableMicroseconds, 3);
    private readonly Lock gate = new();
    private readonly double ticksPerMicrosecond;
    private HistogramBase? spare;

    public LatencyRecorder(long ticksPerSecond)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ticksPerSecond, 0);
        ticksPerMicrosecond = ticksPerSecond / 1_000_000.0;
    }

    /// <summary>Records a latency given in timestamp ticks.</summary>
    public void RecordTicks(long ticks) => RecordMicroseconds((long)(ticks / ticksPerMicrosecond));

    /// <summary>Records a latency given in microseconds.</summary>
    public void RecordMicroseconds(long microseconds) => recorder.RecordValue(Math.Clamp(microseconds, 0, HighestTrackableMicroseconds));

    /// <summary>Everything recorded so far, summarised in milliseconds.</summary>
    public LatencySummary Summarise()
    {
        lock (gate)
        {
            spare = spare is null ? recorder.GetIntervalHistogram() : recorder.GetIntervalHistogram(spare);
            cumulative.Add(spare);
            return Summarise(cumulative);
        }
    }

    /// <summary>Summarises a microsecond histogram in milliseconds, rounded to the microsecond.</summary>
    public static LatencySummary Summarise(HistogramBase histogram)
    {
        if (histogram.TotalCount == 0)
        {
            return LatencySummary.Empty;
        }

        static double Ms(double microseconds) => Math.Round(microseconds / 1000.0, 3);
        return new LatencySummary(
            histogram.TotalCount,
            Ms(histogram.GetValueAtPercentile(50)),
            Ms(histogram.GetValueAtPercentile(90)),
            Ms(histogram.GetValueAtPercentile(95)),
            Ms(histogram.GetValueAtPercentile(99)),
            Ms(histogram.GetValueAtPercentile(99.9)),
            Ms(histogram.GetMaxValue()),
            Ms(histogram.GetMean()));
    }
}
