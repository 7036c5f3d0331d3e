namespace Certctl.Agent.Deployment.Targets;

/// <summary>
/// HAProxy: one combined PEM at <c>pem_path</c> (leaf, chain, key; 0600); validate <c>haproxy -c -f /etc/haproxy/haproxy.cfg</c>,
/// reload <c>systemctl reload haproxy</c> unless configured.
/// </summary>
public sealed class HaproxyTarget : ITargetAdapter
{
    public string TargetType => "HAProxy";

    public DeploymentPlan Plan(TargetConfig config, CertificateMaterial material)
    {
        var path = config.PathValue("pem_path") ?? throw new TargetConfigException($"{TargetType} target_config needs 'pem_path'.");
        var combined = material.FullChainPem + material.KeyPem;
        return new DeploymentPlan([FileModes.File(config, "pem", path, combined, FileModes.PrivateKey)],
            config.Text("validate_command") ?? "haproxy -c -f /etc/haproxy/haproxy.cfg", config.Text("reload_command") ?? "systemctl reload haproxy",
            config.Integer("backup_retention"));
    }
}
