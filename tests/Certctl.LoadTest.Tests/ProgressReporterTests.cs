namespace Certctl.LoadTest.Tests;

public class ProgressReporterTests
{
    [Fact]
    public void A_progress_line_shows_elapsed_counts_current_throughput_p99_and_errors()
    {
        var previous = new ProgressSnapshot(4, false, 1000, 4000, 3990, 10, 0, 1.5);
        var current = new ProgressSnapshot(5, false, 1000, 5000, 4990, 10, 2, 1.234);

        var line = ProgressReporter.Format(current, previous, 1.0);

        Assert.Equal("[   5.0s] rate 1000/s  sent 5000  done 4990  in-flight 10  1000/s  p99 1.234ms  errors 2", line);
    }

    [Fact]
    public void Warmup_is_marked_and_a_missing_p99_is_a_dash()
    {
        var line = ProgressReporter.Format(new ProgressSnapshot(1, true, 10, 10, 10, 0, 0, null), new ProgressSnapshot(0, true, 10, 0, 0, 0, 0, null), 1.0);

        Assert.Contains("warmup]", line, StringComparison.Ordinal);
        Assert.Contains("p99 -", line, StringComparison.Ordinal);
    }
}
