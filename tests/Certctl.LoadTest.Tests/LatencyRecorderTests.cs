namespace Certctl.LoadTest.Tests;

public class LatencyRecorderTests
{
    [Fact]
    public void Summarises_in_milliseconds_with_microsecond_resolution()
    {
        var recorder = new LatencyRecorder(ticksPerSecond: 1_000_000_000);
        for (var us = 1; us <= 1000; us++)
        {
            recorder.RecordTicks(us * 1000L);
        }

        var summary = recorder.Summarise();

        Assert.Equal(1000, summary.Count);
        Assert.Equal(0.5, summary.P50, 2);
        Assert.Equal(0.99, summary.P99, 2);
        Assert.Equal(1.0, summary.Max, 2);
        Assert.Equal(0.5005, summary.Mean, 2);
    }

    [Fact]
    public void Accumulates_across_reads_and_clamps_beyond_sixty_seconds()
    {
        var recorder = new LatencyRecorder(ticksPerSecond: 1_000_000);
        recorder.RecordMicroseconds(2_000);
        Assert.Equal(1, recorder.Summarise().Count);

        recorder.RecordMicroseconds(120_000_000);
        var summary = recorder.Summarise();

        Assert.Equal(2, summary.Count);
        Assert.InRange(summary.Max, 59_990, 60_100);
    }

    [Fact]
    public void Many_writers_at_once_lose_nothing()
    {
        var recorder = new LatencyRecorder(ticksPerSecond: 1_000_000);

        Parallel.For(0, 100_000, i => recorder.RecordMicroseconds(i % 5000));

        Assert.Equal(100_000, recorder.Summarise().Count);
    }

    [Fact]
    public void An_empty_recorder_summarises_to_zeros()
    {
        Assert.Equal(LatencySummary.Empty, new LatencyRecorder(1_000_000).Summarise());
    }
}
