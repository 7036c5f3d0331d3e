using System.Collections.Frozen;

namespace Certctl.Domain;

/// <summary>The legal status changes of a job, including the retry edge guarded by the attempt budget.</summary>
/// <remarks>
/// Differs from the original on purpose: an expired approval cancels the job (the original failed it and
/// the retry loop then re-queued it, bypassing approval), and Failed → Pending needs attempts left
/// (the original never counted attempts and retried forever).
/// </remarks>
public static class JobTransitions
{
    /// <summary>What <c>jobs.max_attempts</c> holds when nobody says otherwise.</summary>
    public const int DefaultMaxAttempts = 3;

    private const string Entity = "job";

    /// <summary>The statuses a job row may be inserted with.</summary>
    public static IReadOnlySet<JobStatus> InitialStatuses { get; } =
        FrozenSet.Create(JobStatus.Pending, JobStatus.AwaitingCsr, JobStatus.AwaitingApproval);

    /// <summary>Every legal edge, the guarded retry edge (Failed → Pending) included.</summary>
    public static TransitionTable<JobStatus> Table { get; } = new(Entity,
    [
        (JobStatus.AwaitingApproval, JobStatus.Pending),
        (JobStatus.AwaitingApproval, JobStatus.Cancelled),

        (JobStatus.Pending, JobStatus.Running),
        (JobStatus.Pending, JobStatus.Cancelled),

        // Back to Pending when the dispatcher's lease lapses without a result, so a sweeper can re-dispatch.
        (JobStatus.Running, JobStatus.Completed),
        (JobStatus.Running, JobStatus.Failed),
        (JobStatus.Running, JobStatus.AwaitingCsr),
        (JobStatus.Running, JobStatus.AwaitingIssuer),
        (JobStatus.Running, JobStatus.Pending),
        // An operator may stop a stuck job; a worker finishing it later must find it Cancelled and not complete it.
        (JobStatus.Running, JobStatus.Cancelled),

        // A poll that finds the order still pending records itself without leaving the status.
        (JobStatus.AwaitingIssuer, JobStatus.Completed),
        (JobStatus.AwaitingIssuer, JobStatus.Failed),
        (JobStatus.AwaitingIssuer, JobStatus.AwaitingIssuer),
        (JobStatus.AwaitingIssuer, JobStatus.Cancelled),

        (JobStatus.AwaitingCsr, JobStatus.Running),
        (JobStatus.AwaitingCsr, JobStatus.Failed),
        (JobStatus.AwaitingCsr, JobStatus.Cancelled),

        RetryEdge,
    ]);

    private static (JobStatus From, JobStatus To) RetryEdge => (JobStatus.Failed, JobStatus.Pending);

    public static bool CanCreateAs(JobStatus status) => InitialStatuses.Contains(status);

    public static void EnsureCreatableAs(JobStatus status)
    {
        if (!CanCreateAs(status))
        {
            throw new IllegalTransitionException(Entity, null, status.ToWire());
        }
    }

    /// <summary>Whether a failed job still has an attempt left to spend on a retry.</summary>
    public static bool CanRetry(int attempts, int maxAttempts)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(attempts);
        ArgumentOutOfRangeException.ThrowIfNegative(maxAttempts);
        return attempts < maxAttempts;
    }

    /// <summary>Checks an edge that needs no attempt count; the retry edge is refused here because it cannot be proven.</summary>
    public static bool CanTransition(JobStatus from, JobStatus to) =>
        (from, to) != RetryEdge && Table.CanTransition(from, to);

    /// <summary>Checks any edge, spending the attempt budget on the retry edge.</summary>
    public static bool CanTransition(JobStatus from, JobStatus to, int attempts, int maxAttempts) =>
        (from, to) == RetryEdge ? CanRetry(attempts, maxAttempts) : Table.CanTransition(from, to);

    public static void EnsureTransition(JobStatus from, JobStatus to)
    {
        if ((from, to) == RetryEdge)
        {
            throw new IllegalTransitionException(Entity, from.ToWire(), to.ToWire(),
                "a retry needs the attempt count and max_attempts");
        }

        Table.EnsureTransition(from, to);
    }

    public static void EnsureTransition(JobStatus from, JobStatus to, int attempts, int maxAttempts)
    {
        if ((from, to) != RetryEdge)
        {
            Table.EnsureTransition(from, to);
            return;
        }

        if (!CanRetry(attempts, maxAttempts))
        {
            throw new IllegalTransitionException(Entity, from.ToWire(), to.ToWire(),
                $"all {maxAttempts} attempts are spent ({attempts} made)");
        }
    }

    /// <summary>Completed and Cancelled always; Failed once the attempt budget is spent.</summary>
    public static bool IsTerminal(JobStatus status, int attempts, int maxAttempts) => status switch
    {
        JobStatus.Failed => !CanRetry(attempts, maxAttempts),
        _ => Table.IsTerminal(status),
    };
}
