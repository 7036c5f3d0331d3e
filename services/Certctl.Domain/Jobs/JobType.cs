namespace Certctl.Domain;

/// <summary>What a job does (<c>jobs.type</c>); revocation is not a job, it runs at once.</summary>
public enum JobType
{
    Issuance,
    Renewal,
    Deployment,
    Validation,
}
