using System.Runtime.InteropServices;

namespace Certctl.LoadTest;

/// <summary>
/// Waits until a timestamp with sub-millisecond precision and without burning a core: whole milliseconds with
/// Thread.Sleep, the rest with usleep on Linux (hrtimer, ~50 µs slack). Elsewhere it falls back to yielding.
/// </summary>
internal static partial class ArrivalClock
{
    /// <summary>Blocks the calling thread until <paramref name="targetTimestamp"/> or until <paramref name="stop"/> is cancelled.</summary>
    public static void WaitUntil(TimeProvider time, long targetTimestamp, CancellationToken stop)
    {
        var ticksPerMicrosecond = time.TimestampFrequency / 1_000_000.0;
        while (!stop.IsCancellationRequested)
        {
            var remainingUs = (targetTimestamp - time.GetTimestamp()) / ticksPerMicrosecond;
            if (remainingUs <= 0)
            {
                return;
            }

            if (remainingUs > 2_000)
            {
                // Wake at least every 100 ms so a stop request is noticed promptly.
                Thread.Sleep((int)Math.Min((remainingUs / 1_000) - 1, 100));
            }
            else if (OperatingSystem.IsLinux())
            {
                _ = usleep((uint)Math.Max(1, remainingUs));
            }
            else if (remainingUs > 1_100)
            {
                Thread.Sleep(1);
            }
            else
            {
                Thread.Yield();
            }
        }
    }

    [DllImport("libc", EntryPoint = "usleep")]
    private static extern int usleep(uint microseconds);
}
