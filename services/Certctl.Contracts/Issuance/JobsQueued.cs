namespace Certctl.Contracts;

/// <summary>
/// Event: issuance or renewal jobs were committed outside the scheduler (a manual or bulk renew), so the dispatcher should look now
/// instead of at its next tick. Only a hint: the jobs are rows, and the dispatcher's tick finds them if this is lost.
/// </summary>
public sealed record JobsQueued(int Count, string Source, DateTimeOffset QueuedAt);
