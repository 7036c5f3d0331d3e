using System.Collections.Concurrent;
using System.Globalization;

namespace Certctl.LoadTest;

/// <summary>
/// The counts of one step, updated by the dispatcher and by every request task at once.
/// "Measured" counts cover the measured window; the totals (for progress) include the warm-up.
/// </summary>
public sealed class RunCounters
{
    private const int StatusSlots = 600;

    private readonly long[] statusCounts = new long[StatusSlots];
    private readonly long[] errorStatusCounts = new long[StatusSlots];
    private readonly ConcurrentDictionary<string, long> errorKinds = new(StringComparer.Ordinal);
    private long inFlight;
    private long totalSent;
    private long totalFinished;
    private long totalErrors;
    private long sent;
    private long completed;
    private long failed;
    private long dropped;
    private long warmupSent;
    private long lastResponseTimestamp;

    public long InFlight => Interlocked.Read(ref inFlight);

    public long TotalSent => Interlocked.Read(ref totalSent);

    public long TotalFinished => Interlocked.Read(ref totalFinished);

    /// <summary>Errors including the warm-up's, for the progress line.</summary>
    public long TotalErrors => Interlocked.Read(ref totalErrors);

    public long Sent => Interlocked.Read(ref sent);

    public long Completed => Interlocked.Read(ref completed);

    public long Failed => Interlocked.Read(ref failed);

    public long Dropped => Interlocked.Read(ref dropped);

    public long WarmupSent => Interlocked.Read(ref warmupSent);

    /// <summary>Timestamp of the latest measured response (0 when none).</summary>
    public long LastResponseTimestamp => Interlocked.Read(ref lastResponseTimestamp);

    /// <summary>Claims an in-flight slot; false (and the request counted as dropped) when the cap is reached.</summary>
    public bool TryStart(long maxInFlight, bool measured)
    {
        if (Interlocked.Increment(ref inFlight) > maxInFlight)
        {
            Interlocked.Decrement(ref inFlight);
            Interlocked.Increment(ref totalErrors);
            if (measured)
            {
                Interlocked.Increment(ref dropped);
                CountKind(ErrorKinds.Dropped);
            }

            return false;
        }

        Interlocked.Increment(ref totalSent);
        Interlocked.Increment(ref measured ? ref sent : ref warmupSent);
        return true;
    }

    /// <summary>Records how a started request ended: <paramref name="status"/> is 0 when no response came; <paramref name="errorKind"/> null when it was fine.</summary>
    public void Finish(bool measured, int status, string? errorKind, long timestamp)
    {
        if (measured)
        {
            if (status > 0)
            {
                Interlocked.Increment(ref completed);
                Interlocked.Increment(ref statusCounts[Math.Min(status, StatusSlots - 1)]);
                AdvanceLastResponse(timestamp);
                if (errorKind is not null)
                {
                    Interlocked.Increment(ref errorStatusCounts[Math.Min(status, StatusSlots - 1)]);
                }
            }
            else
            {
                Interlocked.Increment(ref failed);
            }

            if (errorKind is not null)
            {
                CountKind(errorKind);
            }
        }

        if (errorKind is not null)
        {
            Interlocked.Increment(ref totalErrors);
        }

        Interlocked.Increment(ref totalFinished);
        Interlocked.Decrement(ref inFlight);
    }

    /// <summary>Every response by status code.</summary>
    public IReadOnlyDictionary<string, long> StatusCodes() => ByStatus(statusCounts);

    /// <summary>Responses the scenario judged errors, by status code.</summary>
    public IReadOnlyDictionary<string, long> ErrorStatusCodes() => ByStatus(errorStatusCounts);

    /// <summary>Every error by kind, including dropped requests.</summary>
    public IReadOnlyDictionary<string, long> ErrorKindCounts() =>
        new SortedDictionary<string, long>(errorKinds.ToDictionary(), StringComparer.Ordinal);

    private void CountKind(string kind) => errorKinds.AddOrUpdate(kind, 1, static (_, count) => count + 1);

    private void AdvanceLastResponse(long timestamp)
    {
        var seen = Interlocked.Read(ref lastResponseTimestamp);
        while (timestamp > seen)
        {
            var previous = Interlocked.CompareExchange(ref lastResponseTimestamp, timestamp, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }

    private static SortedDictionary<string, long> ByStatus(long[] counts)
    {
        var result = new SortedDictionary<string, long>(StringComparer.Ordinal);
        for (var code = 0; code < counts.Length; code++)
        {
            var count = Interlocked.Read(ref counts[code]);
            if (count > 0)
            {
                result[code.ToString(CultureInfo.InvariantCulture)] = count;
            }
        }

        return result;
    }
}
