namespace Certctl.Agent.Deployment;

/// <summary>How a deployment ended.</summary>
public enum DeploymentOutcome
{
    /// <summary>New files committed and the reload succeeded.</summary>
    Deployed,

    /// <summary>Every destination already held these exact bytes: nothing written, validated or reloaded.</summary>
    SkippedUnchanged,

    /// <summary>Staging failed (a write, a chown); the live files were not touched.</summary>
    StagingFailed,

    /// <summary>The validate command failed; the live files were not touched.</summary>
    ValidateFailed,

    /// <summary>The reload failed; the previous files were restored and the second reload succeeded.</summary>
    ReloadFailedRolledBack,

    /// <summary>The reload failed and so did the restore or the reload after it: an operator must look.</summary>
    RollbackFailed,
}

/// <summary>The outcome of one <see cref="AtomicFileDeployment"/> run, with the reason when it failed.</summary>
public sealed record DeploymentResult(DeploymentOutcome Outcome, string? Error = null)
{
    /// <summary>True when the destinations now hold the new bytes and the service took them.</summary>
    public bool Succeeded => Outcome is DeploymentOutcome.Deployed or DeploymentOutcome.SkippedUnchanged;
}
