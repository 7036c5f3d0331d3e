namespace Certctl.Agent.Deployment.Targets;

/// <summary>Turns one target type's <c>target_config</c> and the certificate into the files and commands of a deployment.</summary>
public interface ITargetAdapter
{
    /// <summary>The <c>target_type</c> this adapter handles (compared without regard to case).</summary>
    string TargetType { get; }

    /// <summary>The plan for <paramref name="material"/>; a <see cref="TargetConfigException"/> when the config is unusable.</summary>
    DeploymentPlan Plan(TargetConfig config, CertificateMaterial material);
}
