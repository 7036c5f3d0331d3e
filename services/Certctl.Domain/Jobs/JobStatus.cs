namespace Certctl.Domain;

/// <summary>Where a job stands in the pipeline (<c>jobs.status</c>).</summary>
public enum JobStatus
{
    Pending,

    /// <summary>Waiting for the agent to generate a key on its host and submit a CSR.</summary>
    [WireName("AwaitingCSR")]
    AwaitingCsr,

    /// <summary>Held by a profile that requires a second person to approve issuance.</summary>
    AwaitingApproval,

    /// <summary>An asynchronous CA accepted the order and is polled until it issues.</summary>
    AwaitingIssuer,

    Running,
    Completed,
    Failed,
    Cancelled,
}
