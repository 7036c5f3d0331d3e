namespace Certctl.LoadTest.Scenarios;

/// <summary>
/// Counts the answers of a polled list, from many request tasks at once: full pages (200), revalidations (304), and the
/// 200s that came back although If-None-Match was sent, which mean the list changed during the run.
/// </summary>
public sealed class ListResponseTally
{
    private long fullPages;
    private long notModified;
    private long changedDuringRun;

    /// <summary>Counts a 200; <paramref name="revalidating"/> when it answered an If-None-Match.</summary>
    public void FullPage(bool revalidating)
    {
        Interlocked.Increment(ref fullPages);
        if (revalidating)
        {
            Interlocked.Increment(ref changedDuringRun);
        }
    }

    /// <summary>Counts a 304.</summary>
    public void NotModified() => Interlocked.Increment(ref notModified);

    /// <summary>200s and 304s; when <paramref name="revalidating"/>, also the 200s that answered an If-None-Match.</summary>
    public IReadOnlyList<ResponseCount> Report(bool revalidating) =>
    [
        new("200 full page", Interlocked.Read(ref fullPages)),
        new("304 not modified", Interlocked.Read(ref notModified)),
        .. revalidating ? [new ResponseCount("200 despite If-None-Match (list changed)", Interlocked.Read(ref changedDuringRun))] : Array.Empty<ResponseCount>(),
    ];
}
