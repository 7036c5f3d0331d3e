using System.Collections.Concurrent;

namespace Certctl.LoadTest.Scenarios;

/// <summary>
/// Adds up the bulk-renew answers of a run, from many request tasks at once. Over a run against a freshly seeded (or reset)
/// fixture the first answer creates one job per certificate and every later one skips them all as
/// <c>renewal already active</c>, so <c>created</c> equals the fixture's size and <c>responses creating jobs</c> is 1.
/// </summary>
public sealed class BulkRenewTally
{
    private readonly ConcurrentDictionary<string, long> skippedByReason = new(StringComparer.Ordinal);
    private long responses;
    private long matched;
    private long created;
    private long skipped;
    private long failed;
    private long responsesCreatingJobs;
    private long largestCreated;

    /// <summary>Counts one answer.</summary>
    public void Add(BulkRenewCounts counts)
    {
        Interlocked.Increment(ref responses);
        Interlocked.Add(ref matched, counts.Matched);
        Interlocked.Add(ref created, counts.Created);
        Interlocked.Add(ref skipped, counts.SkippedTotal);
        Interlocked.Add(ref failed, counts.Failed);
        if (counts.Created > 0)
        {
            Interlocked.Increment(ref responsesCreatingJobs);
            RaiseLargest(counts.Created);
        }

        foreach (var (reason, count) in counts.Skipped)
        {
            skippedByReason.AddOrUpdate(reason, count, (_, total) => total + count);
        }
    }

    /// <summary>The run's sums: answers, matched, created, skipped (and per reason), failed, answers that created jobs and the most one created.</summary>
    public IReadOnlyList<ResponseCount> Report()
    {
        var report = new List<ResponseCount>
        {
            new("responses", Interlocked.Read(ref responses)),
            new("matched", Interlocked.Read(ref matched)),
            new("created", Interlocked.Read(ref created)),
            new("skipped", Interlocked.Read(ref skipped)),
        };
        report.AddRange(skippedByReason.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => new ResponseCount($"skipped ({pair.Key})", pair.Value)));
        report.Add(new("failed", Interlocked.Read(ref failed)));
        report.Add(new("responses creating jobs", Interlocked.Read(ref responsesCreatingJobs)));
        report.Add(new("most created by one response", Interlocked.Read(ref largestCreated)));
        return report;
    }

    private void RaiseLargest(long value)
    {
        var seen = Interlocked.Read(ref largestCreated);
        while (value > seen)
        {
            var previous = Interlocked.CompareExchange(ref largestCreated, value, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }
}
