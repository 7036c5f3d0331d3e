using Certctl.Domain;

namespace Certctl.AgentIngest.Jobs;

/// <summary>
/// The status changes an agent may report, a subset of <see cref="JobTransitions"/>: a deployment it claimed ends Completed or
/// Failed; a CSR request it could not serve (no key, no CSR) ends Failed. Everything else is the server's to decide.
/// </summary>
public static class AgentReportRules
{
    /// <summary>The statuses an agent may name in a report.</summary>
    public static IReadOnlySet<JobStatus> Reportable { get; } = new HashSet<JobStatus> { JobStatus.Running, JobStatus.Completed, JobStatus.Failed };

    /// <summary>Whether an agent may move a job of <paramref name="type"/> from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static bool Allows(JobType type, JobStatus from, JobStatus to) => (type, from, to) switch
    {
        (JobType.Deployment, JobStatus.Running, JobStatus.Completed or JobStatus.Failed) => JobTransitions.CanTransition(from, to),
        (JobType.Issuance or JobType.Renewal, JobStatus.AwaitingCsr, JobStatus.Failed) => JobTransitions.CanTransition(from, to),
        _ => false,
    };

    /// <summary>A report of what is already true (a deployment still Running) changes nothing and is not an error.</summary>
    public static bool IsAlreadyTrue(JobStatus from, JobStatus to) => from == to;
}
